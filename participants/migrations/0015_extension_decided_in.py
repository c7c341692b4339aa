"""Extensions name who decided them (issue 18, decision 0033): the samverkansteam at a meeting
(linked to the agenda item's decision) or the styrgrupp. Earlier rows keep their free text
("beslutat av") and are marked as such; a text that names the styrgrupp is marked styrgrupp."""

import django.db.models.deletion
from django.db import migrations, models


def classify(apps, schema_editor):
    Extension = apps.get_model("participants", "Extension")
    Extension.objects.filter(decided_by__icontains="styrgrupp").update(decided_in="styrgrupp")


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0014_activity_groups"),
        ("referrals", "0008_protected_identity_set_by_author"),
    ]

    operations = [
        migrations.AddField(
            model_name="extension",
            name="agenda_item",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="extension",
                to="referrals.agendaitem",
                verbose_name="beslut på samverkansteamsmöte",
            ),
        ),
        migrations.AddField(
            model_name="extension",
            name="decided_in",
            field=models.CharField(
                choices=[
                    ("meeting", "Samverkansteamet"),
                    ("styrgrupp", "Styrgruppen"),
                    ("free_text", "Annat (fritext, före ändringen)"),
                ],
                default="free_text",
                max_length=10,
                verbose_name="beslutat i",
            ),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
