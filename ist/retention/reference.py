"""Reference data: the default retention rules, switched off (docs/decisions/0018-retention.md). Made by
the data migration retention/0002 and by the tests' reference data (tests/databases.py)."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps

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
    # Questionnaires (docs/decisions/0036): self-assessments with the enrolment, anonymous answers long.
    ("identified_answer", "closure", 60),
    ("anonymous_answer", "answer", 120),
]


def create_default_rules(apps: Apps, schema_editor: Any = None) -> None:
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for kind, event, months in DEFAULTS:
        RetentionRule.objects.get_or_create(kind=kind, defaults={"event": event, "months": months, "active": False})
