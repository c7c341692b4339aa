"""The coordinator's overview: "Faskraven hittills denna månad" counted by hand on tests/reports/dataset.py."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.dashboard import panels, phase_days
from teams.models import Membership, Team
from tests.factories import member
from tests.reports import dataset

pytestmark = pytest.mark.django_db


def fulfilment_on(today: date, slug: str) -> dict[str, dict[str, object]]:
    dataset.build()
    (panel,) = panels(Team.objects.filter(slug=slug), today=today)
    return {row["label"]: row for row in panel.fulfilment}


def test_fulfilment_follows_each_phase_for_the_days_it_covered() -> None:
    # 2026-07-01 – 07-20 (20 days) in team A:
    #   E1 Arbetsförberedande 07-01 – 07-14 (14 days), Redo för mer 07-15 – 07-20 (6 days)
    #   E2 Prova på 07-10 – 07-20 (11 days)
    #   E4 Arbetsförberedande 07-01 – 07-20 (20 days; closed later, on 08-01)
    # Requirements per week (seeded): physical 1 in every phase; talk 1 in Prova på, ½ otherwise;
    # work training 1 in Arbetsförberedande, 2 in Redo för mer; knowledge 1 in Arbetsförberedande.
    rows = fulfilment_on(date(2026, 7, 20), "halmstad-hylte")

    physical = (14 + 6 + 11 + 20) / 7  # 7.29
    assert rows["Fysisk träning"]["expected"] == round(physical, 1) == 7.3
    assert rows["Fysisk träning"]["done"] == 2  # E1 07-03, E2 07-15 (E1 07-10 was unexcused)
    assert rows["Fysisk träning"]["share"] == round(100 * 2 / physical) == 27

    talk = 14 / 7 * 0.5 + 6 / 7 * 0.5 + 11 / 7 * 1 + 20 / 7 * 0.5  # 4.43
    assert rows["Individuellt samtal"]["expected"] == round(talk, 1) == 4.4
    assert rows["Individuellt samtal"]["done"] == 1  # E1 07-02 (07-09 excused, 06-30 last month)
    assert rows["Individuellt samtal"]["share"] == round(100 / talk) == 23

    work = 14 / 7 * 1 + 6 / 7 * 2 + 20 / 7 * 1  # 6.57
    assert rows["Arbetsträning"]["expected"] == round(work, 1) == 6.6
    assert rows["Arbetsträning"]["done"] == 0
    assert rows["Arbetsträning"]["share"] == 0

    knowledge = (14 + 20) / 7  # 4.86
    assert rows["Kunskap och vägledning"]["expected"] == round(knowledge, 1) == 4.9


def test_fulfilment_ignores_periods_outside_the_month() -> None:
    # 2026-09-01 – 09-10 (10 days) in team A: only E1 (Redo för mer) and E2 (Arbetsförberedande
    # until 09-20); E4 closed 08-01 and asks for nothing.
    rows = fulfilment_on(date(2026, 9, 10), "halmstad-hylte")
    assert rows["Fysisk träning"]["expected"] == round(20 / 7, 1) == 2.9
    assert rows["Arbetsträning"]["expected"] == round(10 / 7 * 2 + 10 / 7 * 1, 1) == 4.3
    assert rows["Kunskap och vägledning"]["expected"] == round(10 / 7, 1) == 1.4
    assert rows["Fysisk träning"]["done"] == 0
    assert rows["Fysisk träning"]["share"] == 0


def test_the_overview_shows_a_fraction_with_a_decimal_comma(client) -> None:
    dataset.build()
    client.force_login(member(Membership.Role.KOORDINATOR))
    # The page is for today, after the data set's months: E1 alone is active (Redo för mer), so on
    # day d of the month physical training is expected d/7 times.
    html = client.get(reverse("reports:dashboard")).content.decode()
    day = timezone.localdate().day
    shown = f"{round(day / 7, 1):.1f}".replace(".", ",").removesuffix(",0")
    assert f'<th scope="row">Fysisk träning</th><td class="number">0</td><td class="number">{shown}</td>' in html


def test_a_team_without_phases_this_month_shows_no_share() -> None:
    rows = fulfilment_on(date(2026, 6, 15), "varberg")  # E5 starts 07-01
    assert all(row["expected"] == 0 and row["share"] is None for row in rows.values())


def test_the_day_of_a_phase_change_belongs_to_the_new_phase_and_a_closure_day_to_none() -> None:
    data = dataset.build()
    # 2026-07-15 in team A: E1 Arbetsförberedande 07-01 – 07-14 and Redo för mer from 07-15;
    # E2 Prova på 07-10 – 07-15; E4 Arbetsförberedande 07-01 – 07-15.
    assert phase_days([data["a"].pk], today=date(2026, 7, 15))[data["a"].pk] == {
        "arbetsforberedande": 14 + 15,
        "redo_for_mer": 1,
        "prova_pa": 6,
    }
    # 2026-08-01, E4's closure: E4's Arbetsförberedande ended that day and counts for nothing;
    # E1 Redo för mer, E2 Prova på.
    assert phase_days([data["a"].pk], today=date(2026, 8, 1))[data["a"].pk] == {"redo_for_mer": 1, "prova_pa": 1}


def test_fulfilment_is_capped_at_each_persons_requirement_and_says_how() -> None:
    # Issue 17: "Uppfyllt 365 %". 2026-07-20 in team A, physical training: E1 asked 20/7 = 2.86,
    # E2 11/7 = 1.57, E4 20/7 = 2.86 (7.29 in all). E1 now trains every day from 07-01 to 07-20
    # (20 times, plus nothing else); E2 once (07-15), E4 never. Counted: E1 at most 2.86, E2 1, E4 0.
    from participants.models import Activity, Attendance, Enrollment

    data = dataset.build()
    e1 = Enrollment.objects.get(participant__first_name="P1")
    Activity.objects.filter(enrollment=e1, kind__code="fysisk").delete()
    Activity.objects.bulk_create(
        Activity(
            enrollment=e1,
            kind_id="fysisk",
            date=date(2026, 7, d),
            attendance=Attendance.PRESENT,
            logged_by=data["staff"],
        )
        for d in range(1, 21)
    )
    (panel,) = panels(Team.objects.filter(slug="halmstad-hylte"), today=date(2026, 7, 20))
    row = next(r for r in panel.fulfilment if r["label"] == "Fysisk träning")
    assert row["done"] == 21
    assert row["expected"] == 7.3
    # uncapped this would be 21 / 7.29 = 288 %
    assert row["share"] == round(100 * (20 / 7 + 1) / ((20 + 11 + 20) / 7)) == 53
    assert row["share"] <= 100
    assert "1–20" in panel.definition
    assert "100 % är taket" in panel.definition


def test_capped_share_never_exceeds_100() -> None:
    from reports.dashboard import capped_share

    assert capped_share([(5, 1.0), (9, 2.5)]) == 100
    assert capped_share([(0, 1.0), (1, 1.0)]) == 50
    assert capped_share([(3, 0.0)]) is None
