"""Seed the phase table of DOMAIN.md, the inriktningstid rules and the value lists."""

from __future__ import annotations

from django.db import migrations

from participants.reference import seed_rules_and_lists


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(seed_rules_and_lists, migrations.RunPython.noop)]
