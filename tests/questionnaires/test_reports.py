"""The questionnaires in the statistics: response rates, indicator shares and "moved toward work" against
numbers counted by hand, as counted and with small counts hidden (reports/suppression.py)."""

from __future__ import annotations

from datetime import date

import pytest

from ist.questionnaires import reference, services
from ist.questionnaires.models import How
from reports import presentation
from reports import questionnaires as voice
from reports.statistics import Period
from teams.models import Team
from tests.participants import builders as participant_builders
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db

H1 = Period.parse("2026H1")
MAY = date(2026, 5, 12)


def team():
    return Team.objects.filter(slug="halmstad-hylte")


def anonymous(support: int, heard: int, on: date = MAY) -> None:
    version = builders.version_of(reference.EXAMPLE)
    services.response_submit(
        version=version,
        team=team().get(),
        respondent_group=version.questionnaire.respondent_group,
        how=How.LINK,
        enrollment=None,
        answers=builders.scale_answers(version, [support, heard]),
        on=on,
    )


def shown_rows(table, *, suppress: bool) -> dict[str, tuple[list[str], str]]:
    shown = presentation.show_table(table, suppress=suppress)
    return {str(row.label): (row.cells, row.rate) for row in shown.rows}


def test_indicator_shares_counted_by_hand(users) -> None:
    # Stöd: steps 4 and 5 are positive. 15 positive (5×5, 10×4), 5 not (5×2) → 75,0 %.
    # Erfarenheter: steps 3 and 4 are positive. 10 positive (10×3), 10 not (10×2) → 50,0 %.
    for i in range(20):
        support = 5 if i < 5 else 4 if i < 15 else 2
        anonymous(support, 3 if i < 10 else 2)
    anonymous(5, 4, on=date(2026, 7, 1))  # the second half-year: not counted
    table = voice.indicators(team(), H1)
    assert dict(table.rows) == {reference.HEARD: [10, 10], reference.SUPPORT: [15, 5]}
    assert shown_rows(table, suppress=True) == {
        reference.HEARD: (["10", "10"], "50,0 %"),
        reference.SUPPORT: (["15", "5"], "75,0 %"),
    }


def test_a_small_indicator_count_hides_the_share_and_a_second_cell(users) -> None:
    # Stöd: 6 positive (steps 5), 2 not (step 1) → 75,0 % as counted; "<5" and an "x" outside the team.
    for i in range(8):
        anonymous(5 if i < 6 else 1, 4)
    table = voice.indicators(team(), H1)
    assert dict(table.rows)[reference.SUPPORT] == [6, 2]
    assert shown_rows(table, suppress=False)[reference.SUPPORT] == (["6", "2"], "75,0 %")
    cells, rate = shown_rows(table, suppress=True)[reference.SUPPORT]
    assert "<5" in cells
    assert "6" not in cells  # hidden too: else 8 − 6 gives the small count away
    assert rate == "–"


def test_distribution_per_question(users) -> None:
    for support in (5, 5, 4, 1):
        anonymous(support, 4)
    tables = {t.title.split(": ", 1)[1]: t for t in voice.distributions(team(), H1)}
    useful = dict(tables["Hur stor nytta har du haft av stödet i IST?"].rows)
    assert useful == {
        "Ingen nytta": [1],
        "Liten nytta": [0],
        "Viss nytta": [0],
        "Stor nytta": [1],
        "Mycket stor nytta": [2],
    }


def test_response_rate_against_the_occasions_due(users) -> None:
    # The team's one enrolment, from 2026-01-15.
    enrollment = participant_builders.enrolled(
        users["referrer"], users["koordinator"], users["handledare"], start=date(2026, 1, 15)
    )
    # Steg mot arbete in H1: at enrolment 15 Jan and three months later 15 Apr → 2 occasions; one answered.
    builders.self_assessment(enrollment, 3, date(2026, 1, 20))
    table = voice.responses(team(), H1)
    row = dict(table.rows)[f"{reference.STEPS} (deltagare, pågående insats)"]
    assert row == [1, 2]
    assert shown_rows(table, suppress=False)[f"{reference.STEPS} (deltagare, pågående insats)"][1] == "50,0 %"
    # Outside the team both are small: hidden, and so is the rate.
    assert shown_rows(table, suppress=True)[f"{reference.STEPS} (deltagare, pågående insats)"] == (["<5", "<5"], "–")


def test_a_questionnaire_due_at_closure_is_counted_for_the_participants_at_the_end(users) -> None:
    from participants import services as participant_services
    from participants.inputs import ClosureFields
    from participants.models import ExitReason

    enrollment = participant_builders.enrolled(
        users["referrer"], users["koordinator"], users["handledare"], start=date(2026, 1, 15)
    )
    participant_services.close(
        enrollment=enrollment,
        by=users["koordinator"],
        values=ClosureFields(date=date(2026, 3, 31), reason=ExitReason.objects.get(code="arbete")),
    )
    rows = dict(voice.responses(team(), H1).rows)
    # Closed 31 March: the self-assessment at enrolment (15 Jan; 15 Apr is after the closure) and at
    # closure; the example questionnaire and the referrer's at closure; nobody answered.
    assert rows == {
        f"{reference.EXAMPLE} (deltagare, avslutad insats)": [0, 1],
        f"{reference.REFERRER} (inremittent)": [0, 1],
        f"{reference.STEPS} (deltagare, avslutad insats)": [0, 1],
        f"{reference.STEPS} (deltagare, pågående insats)": [0, 1],
    }


def test_moved_toward_work_by_the_decisions_definition(users) -> None:
    people = [
        participant_builders.enrolled(users["referrer"], users["koordinator"], users["handledare"]) for _ in range(5)
    ]
    a, b, c, d, e = people
    for person, first, last in [(a, 2, 5), (b, 3, 3), (c, 4, 3)]:
        builders.self_assessment(person, first, date(2026, 1, 20))
        builders.self_assessment(person, last, date(2026, 6, 1))
    builders.self_assessment(d, 1, date(2026, 3, 1))  # one answer only: not counted
    builders.self_assessment(e, 2, date(2025, 9, 1))
    builders.self_assessment(e, 4, date(2025, 12, 1))  # moved, but the last answer is before the period
    table = voice.moved_toward_work(team(), H1)
    assert dict(table.rows) == {"Deltagare med minst två självskattningar": [1, 2]}
    assert shown_rows(table, suppress=False)["Deltagare med minst två självskattningar"][1] == "33,3 %"
    assert shown_rows(table, suppress=True)["Deltagare med minst två självskattningar"] == (["<5", "<5"], "–")


def test_both_periods_in_one_pass_equal_each_period_alone(users) -> None:
    """The page's comparison (a period and the one before, decision 0034): the section for both in one
    pass equals each counted alone, and costs the queries of one period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.statistics import previous_period

    people = [
        participant_builders.enrolled(users["referrer"], users["koordinator"], users["handledare"], start=start)
        for start in (date(2025, 8, 31), date(2025, 11, 30), date(2026, 2, 10))
    ]
    a, b, c = people
    for person, steps in [
        (a, [(2, date(2025, 9, 5)), (4, date(2025, 12, 1)), (3, date(2026, 3, 2))]),
        (b, [(3, date(2025, 12, 2)), (5, date(2026, 5, 20))]),
    ]:
        for step, on in steps:
            builders.self_assessment(person, step, on)
    builders.example_answer(c, 5, 4, date(2026, 2, 20))
    anonymous(1, 2, on=date(2025, 10, 3))
    anonymous(4, 4, on=date(2026, 6, 30))
    before = previous_period(H1)
    with CaptureQueriesContext(connection) as one:
        alone = [voice.section(team(), H1), voice.section(team(), before)]
    with CaptureQueriesContext(connection) as both:
        together = voice.sections_over(team(), [H1, before])
    assert together == alone
    assert len(both) == len(one) // 2
    assert {table.key for table in together[1].tables} >= {"q_responses", "q_indicators", "q_steps"}
    assert together[0].tables != together[1].tables  # the periods differ, so the test can tell them apart


def test_the_half_year_report_shows_the_indicator_shares_in_pdf_and_xlsx(users) -> None:
    import io
    import zipfile

    from pypdf import PdfReader

    from reports import periodic

    for i in range(20):
        anonymous(5 if i < 15 else 2, 3 if i < 10 else 2)
    report = periodic.build("halfyear", "2026H1", team())
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(periodic.pdf(report).content)).pages).split()
    )
    assert "Deltagarnas röst (enkäter)" in text
    assert "Indikatorer: andel positiva svar" in text
    assert "75,0 %" in text
    with zipfile.ZipFile(io.BytesIO(periodic.xlsx(report))) as book:
        sheets = b"".join(book.read(n) for n in book.namelist() if n.endswith(".xml")).decode()
    assert "Deltagarnas röst (enkäter)" in sheets or "Deltagarnas r" in sheets
    assert reference.SUPPORT in sheets


def test_the_section_runs_a_constant_number_of_queries(users, django_assert_max_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    anonymous(5, 4)
    with CaptureQueriesContext(connection) as first:
        voice.section(team(), H1)
    for i in range(10):
        anonymous(1 + i % 5, 1 + i % 4)
    with django_assert_max_num_queries(len(first)):
        voice.section(team(), H1)
