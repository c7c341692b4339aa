"""The default retention rules (docs/operations.md "Gallring" explains each), seeded switched off.

Gallring deletes for good, so nothing is removed until an administrator has checked each rule's
period against the association's dokumenthanteringsplan and ticked "gallras" in the admin
(docs/decisions/0018-retention.md, "Off until an administrator turns a rule on"). A first nightly run
on an existing database therefore removes nothing. This migration never overwrites existing rows."""

from __future__ import annotations

from django.db import migrations

from ist.retention.reference import create_default_rules


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(create_default_rules, migrations.RunPython.noop)]
