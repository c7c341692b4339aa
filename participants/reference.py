"""Reference data: the phase table of DOMAIN.md, the inriktningstid rules and the value lists. Made by the
data migration participants/0002 and by the tests' reference data (tests/databases.py): one list for both."""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps

# (phase, activity kind, count, per weeks) — DOMAIN.md "Phases and what each offers per week"
REQUIREMENTS = [
    ("prova_pa", "fysisk", 1, 1),
    ("prova_pa", "samtal", 1, 1),
    ("arbetsforberedande", "fysisk", 1, 1),
    ("arbetsforberedande", "arbetstraning", 1, 1),
    ("arbetsforberedande", "kunskap", 1, 1),
    ("arbetsforberedande", "samtal", 1, 2),
    ("redo_for_mer", "fysisk", 1, 1),
    ("redo_for_mer", "arbetstraning", 2, 1),
    ("redo_for_mer", "samtal", 1, 2),
    ("arbetslivsinriktad", "fysisk", 1, 1),
    ("arbetslivsinriktad", "arbetstraning", 3, 1),
    ("arbetslivsinriktad", "samtal", 1, 2),
]

# (age from, age to, aim in months, longest with extension) — 000: 16–29 aim 12–24 months;
# 30–64 aim 12 months, sister practice: extendable by up to six months.
DURATIONS = [(16, 29, 12, 24), (30, 64, 12, 18)]

EDUCATION = [
    ("forgymnasial", "Förgymnasial utbildning"),
    ("gymnasial", "Gymnasial utbildning"),
    ("eftergymnasial-kort", "Eftergymnasial utbildning, kortare än 3 år"),
    ("eftergymnasial-lang", "Eftergymnasial utbildning, 3 år eller längre"),
    ("okand", "Okänd"),
]

OCCUPATIONS = [
    ("arbete", "Arbete"),
    ("arbete-stod", "Arbete med stöd (lönebidrag, trygghetsanställning m.m.)"),
    ("studier", "Studier"),
    ("arbetssokande", "Arbetssökande"),
    ("arbetsmarknadsinsats", "Arbetsmarknadsinsats"),
    ("sjukskriven", "Sjukskriven eller sjukersättning"),
    ("ingen", "Ingen sysselsättning"),
]

# (code, label, group, to work or studies, health)
EXIT_REASONS = [
    ("arbete", "Arbete", "completion", True, False),
    ("studier", "Studier", "completion", True, False),
    ("ater-remittent", "Åter till remittent med medicinsk/social planering", "completion", False, False),
    ("arbetssokande-af", "Arbetssökande på Arbetsförmedlingen", "completion", False, False),
    ("annan-aktor", "Annan aktör tar över rehabiliteringen", "completion", False, False),
    ("egen-begaran", "Avbrott på egen begäran", "interruption", False, False),
    ("flyttat", "Avbrott: flyttat", "interruption", False, False),
    ("halsa", "Avbrott av hälsoskäl", "interruption", False, True),
    ("ingen-kontakt", "Avbrott: ingen kontakt", "interruption", False, False),
]


def seed_rules_and_lists(apps: Apps, schema_editor: Any = None) -> None:
    PhaseRequirement = apps.get_model("participants", "PhaseRequirement")
    DurationRule = apps.get_model("participants", "DurationRule")
    for phase, kind, count, per_weeks in REQUIREMENTS:
        PhaseRequirement.objects.get_or_create(
            phase=phase, kind=kind, defaults={"count": count, "per_weeks": per_weeks}
        )
    for age_from, age_to, months, max_months in DURATIONS:
        DurationRule.objects.get_or_create(
            age_from=age_from, age_to=age_to, defaults={"months": months, "max_months": max_months}
        )
    for model, rows in (("EducationLevel", EDUCATION), ("Occupation", OCCUPATIONS)):
        Model = apps.get_model("participants", model)
        for position, (code, label) in enumerate(rows, start=1):
            Model.objects.get_or_create(code=code, defaults={"label": label, "position": position})
    ExitReason = apps.get_model("participants", "ExitReason")
    for position, (code, label, group, to_work, health) in enumerate(EXIT_REASONS, start=1):
        ExitReason.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "group": group,
                "to_work_or_studies": to_work,
                "health": health,
                "position": position,
            },
        )


# Issue 19: the four kinds that were fixed in code keep their codes (existing activities keep their
# meaning: the column's values become the foreign key to the kind with that code) and count toward
# their own requirement category; the sister processes' kinds are added (docs/decisions/0027).
# code, name, requirement category ("" = none), mode, default duration (minutes)
KINDS = [
    ("fysisk", "Fysisk träning", "fysisk", "group", 60),
    ("arbetstraning", "Arbetsträning", "arbetstraning", "group", 180),
    ("kunskap", "Kunskap och vägledning", "kunskap", "group", 90),
    ("samtal", "Individuellt samtal", "samtal", "individual", 45),
    ("kartlaggning", "Kartläggning (samtal)", "samtal", "individual", 60),
    ("natverkstraff", "Nätverksträff/trepartsmöte", "", "individual", 60),
    ("studiebesok", "Studiebesök", "kunskap", "individual", 120),
    ("grupptraff", "Gruppträff", "kunskap", "group", 90),
    ("uppfoljning-rem", "Uppföljningssamtal med remittent", "", "individual", 30),
]


def seed_activity_kinds(apps: Apps, schema_editor: Any = None) -> None:
    ActivityType = apps.get_model("participants", "ActivityType")
    for position, (code, name, category, mode, minutes) in enumerate(KINDS, start=1):
        ActivityType.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "mode": mode,
                "default_duration_minutes": minutes,
                "position": position,
            },
        )
