"""The document schedule in SQL (due_counts, for Översikt) gives what due_dates gives per enrolment,
on fixed data and many days, the month-end and local-midnight cases included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from participants.documents.models import Document
from participants.documents.schedule import DueCounts, _due_counts_python, due_counts
from participants.models import Enrollment, PhasePeriod
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db


def document(enrollment: Enrollment, kind: str, status: str, finalised_at: datetime | None, by) -> Document:
    number = Document.objects.filter(enrollment=enrollment, kind=kind).count() + 1
    return Document.objects.create(
        enrollment=enrollment,
        kind=kind,
        number=number,
        status=status,
        finalised_at=finalised_at,
        created_by=by,
        sha256="0" * 64 if status == Document.Status.FINAL else "",  # a final document has its PDF
    )


@pytest.fixture
def teams():
    """Two builds of the data set: four active enrolments in two teams, with documents in every state."""
    first, second = dataset.build(), dataset.build(offset=100)
    (e1, e1b) = Enrollment.objects.filter(status="active", team=first["a"]).order_by("pk")
    (e5, e5b) = Enrollment.objects.filter(status="active", team=first["b"]).order_by("pk")
    plan, report = Document.Kind.ACTION_PLAN, Document.Kind.REPORT
    final, pending, draft = Document.Status.FINAL, Document.Status.PENDING, Document.Status.DRAFT
    # E1: a plan finalised 2026-05-31 22:30 UTC, which is 2026-06-01 00:30 in Sweden: due 2026-09-01.
    document(e1, plan, final, datetime(2026, 5, 31, 22, 30, tzinfo=UTC), first["staff"])
    document(e1, plan, draft, None, first["staff"])  # a draft counts for nothing
    # The second E1: a report finalised on 2025-11-30 (due 2026-02-28, the month's last day) and a
    # plan waiting for its PDF finalised on 2026-08-31 (due 2026-11-30).
    document(e1b, report, final, datetime(2025, 11, 30, 10, tzinfo=UTC), second["staff"])
    document(e1b, plan, pending, datetime(2026, 8, 31, 10, tzinfo=UTC), second["staff"])
    # E5 in Prova på: no plan due; the second E5 entered Arbetsförberedande on 2026-08-10: due 08-24.
    PhasePeriod.objects.filter(enrollment=e5b).update(end=date(2026, 8, 10))
    PhasePeriod.objects.create(
        enrollment=e5b, phase="arbetsforberedande", start=date(2026, 8, 10), changed_by=second["staff"]
    )
    document(e5, report, draft, None, first["staff"])
    return [first["a"].pk, first["b"].pk]


def test_sql_and_python_agree_on_every_day(teams) -> None:
    day = date(2026, 4, 1)
    while day <= date(2027, 3, 31):
        soon = day + timedelta(days=14)
        assert due_counts(teams, today=day, soon=soon) == _due_counts_python(teams, today=day, soon=soon), day
        day += timedelta(days=3)


def test_the_hand_counted_cases(teams) -> None:
    a, b = teams
    # 2026-08-20: A's plans are due 09-01 (soon) and 11-30; the reports 08-01 (E1, overdue: none
    # yet, three months after 05-01) and 2026-02-28 (overdue). B: the second E5's plan is due 08-24
    # (soon); the reports three months after the starts 07-01: 10-01 (not yet soon).
    counts = due_counts(teams, today=date(2026, 8, 20), soon=date(2026, 9, 3))
    assert counts[a] == DueCounts(plan_overdue=0, plan_soon=1, report_overdue=2, report_soon=0)
    assert counts[b] == DueCounts(plan_overdue=0, plan_soon=1, report_overdue=0, report_soon=0)
    # The day before the local date of E1's plan plus three months, and that day.
    assert due_counts([a], today=date(2026, 9, 1), soon=date(2026, 9, 1))[a].plan_soon == 1
    assert due_counts([a], today=date(2026, 9, 2), soon=date(2026, 9, 2))[a].plan_overdue == 1


def test_one_query_whatever_the_number_of_enrolments(teams, django_assert_num_queries) -> None:
    with django_assert_num_queries(1):
        due_counts(teams, today=date(2026, 8, 20), soon=date(2026, 9, 3))
    dataset.build(offset=200)
    every_team = list(Team.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):
        due_counts(every_team, today=date(2026, 8, 20), soon=date(2026, 9, 3))
