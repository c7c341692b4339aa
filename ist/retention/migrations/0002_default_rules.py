"""The default retention rules (docs/operations.md "Gallring" explains each), seeded switched off.

Gallring deletes for good, so nothing is removed until an administrator has checked each rule's
period against the association's dokumenthanteringsplan and ticked "gallras" in the admin
(docs/decisions/0018-retention.md, "Off until an administrator turns a rule on"). A first nightly run
on an existing database therefore removes nothing. This migration never overwrites existing rows."""

from __future__ import annotations

from django.db import migrations

DEFAULTS = [
    # (kind, event, months)
    ("draft_referral", "last_change", 6),
    ("referral_not_enrolled", "decision", 24),
    ("question", "answer", 24),
    ("closed_enrollment", "last_entry", 60),
    ("uploaded_file", "case_ended", 24),
    ("access_log", "logged", 60),
    ("change_log", "logged", 60),
    ("notification", "last_change", 12),
    ("register_extract", "requested", 3),
]


def create(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for kind, event, months in DEFAULTS:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"event": event, "months": months, "active": False})


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
