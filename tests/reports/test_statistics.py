"""Every figure of the statistics against numbers counted by hand from tests/reports/dataset.py."""

from __future__ import annotations

import pytest
from django.db import connection

from reports import statistics
from reports.statistics import Period
from teams.models import Team
from tests.reports import dataset

pytestmark = pytest.mark.django_db

Q3 = Period.parse("2026Q3")


@pytest.fixture
def data():
    return dataset.build()


@pytest.fixture
def team_a(data):
    return Team.objects.filter(slug="halmstad-hylte")


@pytest.fixture
def both(data):
    return Team.objects.filter(slug__in=["halmstad-hylte", "varberg"])


def rows(table) -> dict[str, list[int]]:
    return dict(table.rows)


def test_period_parsing() -> None:
    assert (Q3.start.isoformat(), Q3.end.isoformat()) == ("2026-07-01", "2026-09-30")
    q4 = Period.parse("2026q4")
    assert (q4.start.isoformat(), q4.end.isoformat()) == ("2026-10-01", "2026-12-31")
    h1 = Period.parse("2026H1")
    assert (h1.start.isoformat(), h1.end.isoformat()) == ("2026-01-01", "2026-06-30")
    with pytest.raises(ValueError, match="2026Q5"):
        Period.parse("2026Q5")


def test_referrals_received_by_kind_of_organisation(team_a, both) -> None:
    # r1, r2 FK; r3 AF; r4 arrived in June; r5 is a draft
    assert rows(statistics.referrals_received(team_a, Q3)) == {
        "Kommun": [0],
        "Arbetsförmedlingen": [1],
        "Försäkringskassan": [2],
        "Region Halland": [0],
        "Annan": [0],
    }
    # plus r6 in Varberg
    assert statistics.referrals_received(both, Q3).value("Försäkringskassan") == 3


def test_decisions(team_a) -> None:
    # r1 accepted 07-10, r2 rejected 07-20, r4 "more information" 07-05 (decided in the period)
    assert [n for _label, (n,) in statistics.decisions(team_a, Q3).rows] == [1, 1, 1]


def test_answer_times(team_a) -> None:
    # r1 9 days (within), r2 18 days (late); r4 arrived before the period
    answered, mean, within = statistics.answer_times(team_a, Q3)
    assert (answered.value, mean.value, within.value) == (2, 13.5, 50.0)


def test_information_meetings(team_a, both) -> None:
    assert rows(statistics.information_meetings(team_a, Q3)) == {
        "Vill börja": [1],
        "Tackar nej": [0],
        "Kom inte": [0],
        "Utfall inte registrerat": [1],
    }
    assert statistics.information_meetings(both, Q3).value("Tackar nej") == 1  # r6 in Varberg


def test_volume(team_a) -> None:
    # started E2; closed E2, E4; present E1, E2, E4 (E3, E6 closed before); at the end E1
    assert [n for _label, (n,) in statistics.volume(team_a, Q3).rows] == [1, 2, 3, 1]


def test_finsam_counts_people_by_sex(team_a, both) -> None:
    assert rows(statistics.finsam(team_a, Q3)) == {"Kvinna": [2], "Man": [1]}  # P1, P4 / P2
    assert rows(statistics.finsam(both, Q3)) == {"Kvinna": [2], "Man": [2]}  # + P5


def test_participants_by_municipality_and_sex(team_a) -> None:
    assert rows(statistics.participants_by_municipality(team_a, Q3)) == {"Halmstad": [1, 1], "Hylte": [1, 0]}


def test_participants_by_age_band(team_a) -> None:
    # ages in 2026: P1 36, P2 26, P4 46
    assert rows(statistics.participants_by_age(team_a, Q3)) == {
        "16–29 år": [0, 1],
        "30–44 år": [1, 0],
        "45–64 år": [1, 0],
    }


def test_activities_by_kind_with_attendance_rate(team_a) -> None:
    table = statistics.activities(team_a, Q3)
    assert rows(table) == {
        "Fysisk träning": [2, 0, 1],
        "Arbetsträning": [0, 0, 0],
        "Kunskap och vägledning": [0, 0, 0],
        "Individuellt samtal": [1, 1, 0],
        # every kind administrators keep has its row (issue 19.1), in their order
        "Kartläggning (samtal)": [0, 0, 0],
        "Nätverksträff/trepartsmöte": [0, 0, 0],
        "Studiebesök": [0, 0, 0],
        "Gruppträff": [0, 0, 0],
        "Uppföljningssamtal med remittent": [0, 0, 0],
    }
    assert table.rate == ("Närvaro", 0, None)


def test_phase_transitions_and_time_in_phase(team_a) -> None:
    table, measures = statistics.phases(team_a, Q3)
    # entered: Prova på E2 07-10, Arbetsförberedande E2 08-07, Redo för mer E1 07-15
    # left: Prova på E2 08-07; Arbetsförberedande E1 07-15, E4 08-01, E2 09-20
    assert rows(table) == {
        "Prova på": [1, 1],
        "Arbetsförberedande": [1, 3],
        "Redo för mer": [1, 0],
        "Arbetslivsinriktad rehabilitering": [0, 0],
    }
    # Prova på 28 days; Arbetsförberedande (47 + 276 + 44) / 3 = 122.33
    assert [(m.value, m.basis) for m in measures] == [(28.0, 1), (122.3, 3), (None, 0), (None, 0)]


def test_closures_by_reason_and_share_to_work_or_studies(team_a) -> None:
    table, (to_work,) = statistics.closures(team_a, Q3)
    assert table.rows == [("Avslut enligt plan: Arbete", [1]), ("Avbrott på egen begäran", [1])]
    assert (to_work.value, to_work.basis) == (50.0, 2)


def test_follow_ups_at_6_and_12_months(team_a) -> None:
    table = statistics.follow_ups(team_a, Q3)
    assert table.value("Arbete", 0) == 1  # E6, 6 months, found work
    assert table.value("Inte gjord ännu", 1) == 1  # E3, 12 months
    assert sum(sum(values) for _label, values in table.rows) == 2


def test_entry_and_exit_compared(team_a) -> None:
    support = statistics.entry_exit(team_a, Q3, what="support")
    assert support.columns == ["Försörjningsstöd", "Ingen offentlig försörjning"]
    assert rows(support) == {"Försörjningsstöd": [1, 0], "Sjukpenning inkl. rehabiliteringspenning": [0, 1]}
    occupation = statistics.entry_exit(team_a, Q3, what="occupation")
    assert occupation.columns == ["Arbete", "Uppgift saknas"]
    assert rows(occupation) == {"Ingen sysselsättning": [1, 0], "Uppgift saknas": [0, 1]}


def test_questions_by_organisation(team_a, both) -> None:
    assert statistics.questions(team_a, Q3).value("Försäkringskassan") == 2
    assert statistics.questions(team_a, Q3).value("Arbetsförmedlingen") == 0  # asked in June
    assert statistics.questions(both, Q3).value("Försäkringskassan") == 3


def test_all_sections_run_a_constant_number_of_queries(both, django_assert_num_queries) -> None:
    # The three people-counting groups and the three closure tables (by reason, support and occupation
    # at entry/exit) are one query each on PostgreSQL (GROUPING SETS), three each on SQLite;
    # activities: the days the rollup counted, its months and days (one query), the rest live, the kinds;
    # the questionnaires six (answers, due rules, enrolments, indicators, distribution, self-assessments;
    # reports/questionnaires.py)
    with django_assert_num_queries(19 if connection.vendor == "postgresql" else 23):
        sections = statistics.all_sections(both, Q3)
    assert [s.key for s in sections] == ["way_in", "participants", "in_ist", "way_out", "questions", "voice"]


def test_an_exit_reason_is_labelled_with_its_group_once() -> None:
    from reports.statistics import exit_reason_label

    assert exit_reason_label("Avbrott", "Avbrott: flyttat") == "Avbrott: flyttat"
    assert exit_reason_label("Avbrott", "Avbrott på egen begäran") == "Avbrott på egen begäran"
    assert exit_reason_label("Avslut enligt plan", "Arbete") == "Avslut enligt plan: Arbete"
