"""The reference questionnaires (our own wording), indicators and due rules: ist/questionnaires/reference.py.
Creates only what is missing; an administrator's edits are never overwritten."""

from __future__ import annotations

from django.db import migrations

from ist.questionnaires.reference import create_reference


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0001_initial")]

    operations = [migrations.RunPython(create_reference, migrations.RunPython.noop)]
