"""The questionnaires' reminder area: a questionnaire due for an enrolment (its due rules) and not yet
handed out → the responsible handledare, in "Att göra", until it is handed out or its days are over.
One item per enrolment and deadline, naming every questionnaire due then."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date

from django.urls import reverse

from ist.questionnaires.selectors import open_due
from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.registry import register
from ist.reminders.rules import Due, Rule, initials, iso
from participants.models import Enrollment


def questionnaires_due(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    due = open_due(only, today)
    if not due:
        return []
    people = Enrollment.objects.filter(pk__in=list(due)).values_list(
        "pk", "responsible_id", "participant__first_name", "participant__last_name"
    )
    items = []
    for pk, responsible_id, first, last in people:
        by_deadline: dict[date, list[str]] = defaultdict(list)
        for item in due[pk]:
            by_deadline[item.deadline].append(item.rule.questionnaire.name)
        url = reverse("participants:detail", kwargs={"enrollment_pk": pk}) + "#enkater"
        for deadline, names in sorted(by_deadline.items()):
            title = f"Enkät till {initials(first, last)}: {', '.join(sorted(set(names)))}, senast {iso(deadline)}"
            items.append(Due(responsible_id, Kind.QUESTIONNAIRE_DUE, Enrollment, pk, deadline, title[:200], url))
    return items


RULES = [Rule((Kind.QUESTIONNAIRE_DUE,), Enrollment, questionnaires_due)]
AREA = register("questionnaires", RULES)
