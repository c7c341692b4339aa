"""Reference data: the main sources of support (SCB's categories as Finsam uses them). Made by the data
migration referrals/0002 and by the tests' reference data (tests/databases.py): one list for both."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps

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


def create_support_kinds(apps: Apps, schema_editor: Any = None) -> None:
    SupportKind = apps.get_model("referrals", "SupportKind")
    for position, (code, label) in enumerate(SUPPORT_KINDS, start=1):
        SupportKind.objects.get_or_create(code=code, defaults={"label": label, "position": position})
