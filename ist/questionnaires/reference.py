"""Reference data: two indicators, an example questionnaire for participants, one for referrers and the
self-assessment "Steg mot arbete", all in our own wording, published, with due rules. Made by the data
migration questionnaires/0002 and by the tests' reference data (tests/databases.py).

The national instrument ("Indikatorer för finansiell samordning", Nationella nätverket för
samordningsförbund) is not shipped: its wording must not be changed and is entered by the
administrator, who marks which answers count as positive for which indicator.
"""

from __future__ import annotations

from typing import Any

from django.apps.registry import Apps
from django.utils import timezone

SUPPORT = "Stöd till stor nytta"
HEARD = "Egna erfarenheter togs tillvara"
EXAMPLE = "Deltagarenkät (exempel)"
REFERRER = "Inremittentenkät (exempel)"
STEPS = "Steg mot arbete (självskattning)"

INDICATORS = [
    (SUPPORT, "Andel deltagare som upplever att de fått stöd till stor nytta.", 75),
    (HEARD, "Andel deltagare som upplever att personalen tog tillvara deras erfarenheter, kunskap och synpunkter.", 85),
]

USEFUL = ["Ingen nytta", "Liten nytta", "Viss nytta", "Stor nytta", "Mycket stor nytta"]
AGREE = ["Stämmer inte alls", "Stämmer lite", "Stämmer ganska bra", "Stämmer helt"]
LADDER = [
    "Mycket långt ifrån",
    "Långt ifrån",
    "En bit ifrån",
    "Varken nära eller långt ifrån",
    "En bit närmare",
    "Nära",
    "Mycket nära",
]
ENERGY = ["Orkar nästan inget", "Orkar lite", "Orkar en del", "Orkar det mesta", "Orkar allt jag vill"]

# (text, help text, type, required, indicator, measures progress, [(label, value, positive)])
Q = tuple[str, str, str, bool, str | None, bool, list[tuple[str, int, bool]]]


def scale(labels: list[str], positive_from: int | None = None) -> list[tuple[str, int, bool]]:
    return [(label, i, positive_from is not None and i >= positive_from) for i, label in enumerate(labels, 1)]


QUESTIONNAIRES: list[tuple[str, str, bool, str, list[Q], list[tuple[str, int | None, str]]]] = [
    (
        EXAMPLE,
        "deltagare_pagaende",
        True,
        "Dina svar är anonyma. Ingen kan se vad just du har svarat.",
        [
            ("Hur stor nytta har du haft av stödet i IST?", "", "skala", True, SUPPORT, False, scale(USEFUL, 4)),
            (
                "Personalen har lyssnat på mig och tagit vara på det jag kan och tycker.",
                "",
                "skala",
                True,
                HEARD,
                False,
                scale(AGREE, 3),
            ),
            (
                "Vad har hjälpt dig mest?",
                "Du kan välja flera.",
                "flera_val",
                False,
                None,
                False,
                scale(["Samtalen med min handledare", "Aktiviteterna", "Praktik", "Hjälp med myndigheter", "Annat"]),
            ),
            ("Vill du säga något mer?", "Skriv med egna ord.", "fritext", False, None, False, []),
        ],
        [("var_n_manad", 6, "deltagare"), ("avslut", None, "deltagare")],
    ),
    (
        REFERRER,
        "inremittent",
        True,
        "Dina svar är anonyma och används för att utveckla samarbetet.",
        [
            ("Hur väl fungerade samarbetet med IST?", "", "skala", True, None, False, scale(USEFUL, 4)),
            (
                "Fick du den information du behövde om personens insats?",
                "",
                "ett_val",
                True,
                None,
                False,
                scale(["Ja", "Delvis", "Nej"]),
            ),
            ("Övriga synpunkter", "", "fritext", False, None, False, []),
        ],
        [("avslut", None, "inremittent")],
    ),
    (
        STEPS,
        "deltagare_pagaende",
        False,
        "Fyll i tillsammans med din handledare. Det finns inga rätta svar.",
        [
            (
                "Hur nära arbete eller studier känner du dig i dag?",
                "Välj det steg som stämmer bäst just nu.",
                "skala",
                True,
                None,
                True,
                scale(LADDER),
            ),
            ("Hur mycket orkar du under en vanlig vecka?", "", "skala", True, None, False, scale(ENERGY)),
            ("Vad vill du ha mer stöd med?", "", "fritext", False, None, False, []),
        ],
        [("inskrivning", None, "deltagare"), ("var_n_manad", 3, "deltagare"), ("avslut", None, "deltagare")],
    ),
]


def create_reference(apps: Apps, schema_editor: Any = None) -> None:
    """Create what is missing; never changes existing rows (an administrator may have edited them)."""
    Indicator = apps.get_model("questionnaires", "Indicator")
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    Version = apps.get_model("questionnaires", "QuestionnaireVersion")  # noqa: N806 - a model class
    Question = apps.get_model("questionnaires", "Question")
    Option = apps.get_model("questionnaires", "Option")
    DueRule = apps.get_model("questionnaires", "DueRule")
    indicators = {}
    for name, description, goal in INDICATORS:
        indicators[name], _ = Indicator.objects.get_or_create(
            name=name, defaults={"description": description, "goal_percent": goal}
        )
    for name, group, anonymous, intro, questions, rules in QUESTIONNAIRES:
        questionnaire, created = Questionnaire.objects.get_or_create(
            name=name, defaults={"respondent_group": group, "anonymous": anonymous}
        )
        if not created:
            continue
        version = Version.objects.create(questionnaire=questionnaire, number=1, intro=intro)
        for order, (text, help_text, kind, required, indicator, progress, options) in enumerate(questions, 1):
            question = Question.objects.create(
                version=version,
                order=order,
                text=text,
                help_text=help_text,
                answer_type=kind,
                required=required,
                indicator=indicators.get(indicator) if indicator else None,
                measures_progress=progress,
            )
            Option.objects.bulk_create(
                Option(question=question, order=i, label=label, value=value, positive=positive)
                for i, (label, value, positive) in enumerate(options, 1)
            )
        Version.objects.filter(pk=version.pk).update(published_at=timezone.now())
        for trigger, months, recipient in rules:
            DueRule.objects.create(questionnaire=questionnaire, trigger=trigger, months=months, recipient=recipient)
