"""The main sources of support (SCB's categories as Finsam uses them), as data."""

from __future__ import annotations

from django.db import migrations

SUPPORT_KINDS = [
    ("sjukpenning", "Sjukpenning inkl. rehabiliteringspenning"),
    ("aktivitetsersattning", "Aktivitetsersättning"),
    ("sjukersattning", "Sjukersättning"),
    ("a-kassa", "Arbetslöshetsersättning (a-kassa)"),
    ("aktivitetsstod", "Aktivitetsstöd inkl. utvecklingsersättning"),
    ("etableringsersattning", "Etableringsersättning"),
    ("forsorjningsstod", "Försörjningsstöd"),
    ("ingen", "Ingen offentlig försörjning"),
]


def create(apps, schema_editor):
    SupportKind = apps.get_model("referrals", "SupportKind")
    for position, (code, label) in enumerate(SUPPORT_KINDS, start=1):
        SupportKind.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
