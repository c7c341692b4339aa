"""The main sources of support (SCB's categories as Finsam uses them), as data."""

from __future__ import annotations

from django.db import migrations

from referrals.reference import create_support_kinds


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]
    operations = [migrations.RunPython(create_support_kinds, migrations.RunPython.noop)]
