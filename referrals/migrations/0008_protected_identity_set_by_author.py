"""Record whether the author (the referrer, the asker) set the protected-identity flag themselves
(docs/decisions/0019-consent-and-protected-identity.md): only their own flag changes what they see.

Who set the flag on existing rows is not recorded anywhere (no event says it). Their authors have
already seen them as flagged, so existing flagged rows count as flagged by their author: what an
author sees does not change at deploy; the rule applies to every flag set from now on."""

from django.db import migrations, models


def backfill(apps, schema_editor):
    for model in ("Referral", "ConsultativeQuestion"):
        apps.get_model("referrals", model).objects.filter(protected_identity=True).update(
            protected_identity_by_author=True
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0007_consent_event")]

    operations = [
        migrations.AddField(
            model_name="consultativequestion",
            name="protected_identity_by_author",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="skyddade personuppgifter angivna av frågeställaren"
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="protected_identity_by_author",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="skyddade personuppgifter angivna av inremittenten"
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
