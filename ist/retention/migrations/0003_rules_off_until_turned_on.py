"""Retention rules are off until an administrator turns them on (docs/decisions/0018-retention.md).

A database where 0002 already seeded the rules switched on, and where gallring has never run, gets
them switched off: nobody has confirmed them yet, and the first nightly run must not delete anything
before someone has. Where a run already happened, the rules were in use and are left as they are."""

from django.db import migrations, models


def switch_off_unconfirmed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    RetentionRun = apps.get_model("retention", "RetentionRun")
    if not RetentionRun.objects.exists():
        RetentionRule.objects.update(active=False)


class Migration(migrations.Migration):
    dependencies = [("retention", "0002_default_rules")]

    operations = [
        migrations.AlterField(
            model_name="retentionrule",
            name="active",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Markera när perioden stämmer med förbundets dokumenthanteringsplan. "
                    "Avmarkera för att tills vidare inte gallra detta slags uppgifter."
                ),
                verbose_name="gallras",
            ),
        ),
        migrations.RunPython(switch_off_unconfirmed, migrations.RunPython.noop),
    ]
