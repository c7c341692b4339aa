"""The statistics page, its CSV export and the coordinator's overview."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from teams.models import Membership, Team
from tests.factories import UserFactory, member
from tests.reports import dataset

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
Q3 = "fran=2026-07-01&till=2026-09-30"


@pytest.fixture
def data():
    return dataset.build()


def table_text(html: str, table_id: str) -> str:
    start = html.index(f'id="table-{table_id}"')
    return html[start : html.index("</table>", start)]


def cells(fragment: str) -> list[str]:
    import re

    # a coordinator's counts are links to the people behind them: the figure is the link's text
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r'<td class="number">(.*?)</td>', fragment)]


def test_coordinator_sees_own_team_as_counted(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    response = client.get(reverse("reports:statistics") + "?" + Q3)
    assert response.status_code == 200
    html = response.content.decode()
    # Finsam, Halmstad/Hylte only (the coordinator's team): K 2, M 1, total 3
    assert cells(table_text(html, "finsam")) == ["2", "1", "3"]
    assert "visas som" not in html  # no suppression note inside the team
    assert 'role="img"' in html
    assert '<title id="chart-finsam-title">' in html


def test_steering_group_sees_every_team_with_small_counts_hidden(client, data) -> None:
    client.force_login(UserFactory(is_steering_group=True))
    a, b = Team.objects.get(slug="halmstad-hylte"), Team.objects.get(slug="varberg")
    response = client.get(reverse("reports:statistics") + f"?{Q3}&team={a.pk}&team={b.pk}")
    html = response.content.decode()
    # K 2, M 2: both hidden, the total 4 too
    assert cells(table_text(html, "finsam")) == ["&lt;5", "&lt;5", "&lt;5"]
    assert "visas som ”&lt;5”" in html


@override_settings(IST_SMALL_COUNT_THRESHOLD=3)
def test_threshold_comes_from_settings(client, data) -> None:
    client.force_login(UserFactory(is_steering_group=True))
    a = Team.objects.get(slug="halmstad-hylte")
    html = client.get(reverse("reports:statistics") + f"?{Q3}&team={a.pk}").content.decode()
    # K 2 and M 1, both below 3; the total 3 stays: "<3" + "<3" = 3 is 1 + 2 or 2 + 1
    assert cells(table_text(html, "finsam")) == ["&lt;3", "&lt;3", "3"]


def test_bad_period_is_explained_beside_the_field_and_kept(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    response = client.get(reverse("reports:statistics") + "?fran=2026-09-30&till=2026-07-01")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Slutdatumet ligger före startdatumet." in html
    assert 'value="2026-09-30"' in html
    assert 'value="2026-07-01"' in html
    assert 'id="table-finsam"' not in html


def test_coordinator_cannot_choose_another_team(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    other = Team.objects.get(slug="varberg")
    html = client.get(reverse("reports:statistics") + f"?{Q3}&team={other.pk}").content.decode()
    assert "Välj ett giltigt alternativ" in html
    assert 'id="table-finsam"' not in html


def test_statistics_page_queries_are_constant(client, data, django_assert_num_queries) -> None:
    client.force_login(member(Role.KOORDINATOR))
    url = reverse("reports:statistics") + "?" + Q3
    client.get(url)  # warm the session
    # session, user, the memberships (teams.access, once a request: the coordinator's teams and the
    # menu's roles), the teams for the choices, 14 figure groups for the
    # period and the previous one of the same length together (the comparison: one query per group
    # for both, decision 0034), the activities' three (the rollup's days, its rows, the rest live) and
    # the kinds (data since issue 19), the choices rendered, and the session saved;
    # the questionnaires' six figures for both periods together (reports/questionnaires.py, its due
    # occasions counted in SQL); the three people-counting groups and the three closure tables: one
    # GROUPING SETS query each on PostgreSQL, three each on SQLite
    expected = 27 if connection.vendor == "postgresql" else 31
    with django_assert_num_queries(expected):
        client.get(url)
    dataset.build(offset=100)  # twice the rows: the count must not move
    with django_assert_num_queries(expected):
        client.get(url)


def test_csv_export_is_suppressed_even_for_the_coordinator(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    response = client.get(reverse("reports:statistics_csv") + "?" + Q3)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ist-statistik-20260701-20260930.csv"'
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["IST statistik", "2026-07-01 – 2026-09-30"]
    assert rows[2] == ["Föregående period", "2026-03-31 – 2026-06-30"]
    # Finsam now K 2, M 1 (total 3); then (2026-03-31 – 06-30) K 2, M 0 (total 2): small counts hidden
    # in both periods the same way, zeros shown
    start = rows.index(["Uppföljning Finsam: deltagare i individinriktad insats"])
    assert rows[start + 1 : start + 5] == [
        ["Kön", "Deltagare", "Summa", "Föregående period"],
        ["Kvinna", "<5", "<5", "<5"],
        ["Man", "<5", "<5", "0"],
        ["Summa", "<5", "<5", "<5"],
    ]


def test_the_csv_compares_each_measure_with_the_previous_period(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    text = client.get(reverse("reports:statistics_csv") + "?" + Q3).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header = rows.index(["Mått", "Värde", "Föregående period"])
    measures = {row[0]: row[1:] for row in rows[header + 1 :] if len(row) == 3 and row[0] != "Mått"}
    # Two answered referrals (r1, r2) in both periods: a basis under 5 hides the figure both times.
    assert measures["Besvarade remisser"] == ["– (underlag <5)", "– (underlag <5)"]
    # Enrolments closed: some now (hidden as small), none in 2026-03-31 – 06-30 (E6 closed in January)
    assert measures["Avslutade under perioden"] == ["<5", "0"]


def test_dashboard_counts_for_the_coordinators_team(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    response = client.get(reverse("reports:dashboard"))
    assert response.status_code == 200
    panel = response.context["panels"][0]
    assert panel.team.slug == "halmstad-hylte"
    # active: E1 in Redo för mer (E5 is Varberg's)
    assert dict(panel.phases) == {
        "Prova på": 0,
        "Arbetsförberedande": 0,
        "Redo för mer": 1,
        "Arbetslivsinriktad rehabilitering": 0,
    }
    # waiting: r3 (deadline 2026-08-15) — past by the time the tests run
    today = timezone.localdate()
    assert panel.waiting["n"] == 1
    assert panel.waiting["overdue"] == (1 if today > date(2026, 8, 15) else 0)


def test_dashboard_for_a_team_that_is_not_theirs_is_404(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    assert client.get(reverse("reports:dashboard") + "?team=varberg").status_code == 404


def test_dashboard_queries_are_constant(client, data, django_assert_num_queries) -> None:
    user = member(Role.KOORDINATOR)
    member_of_b = Membership.objects.create(user=user, team=Team.objects.get(slug="varberg"), role=Role.KOORDINATOR)
    assert member_of_b.pk
    client.force_login(user)
    client.get(reverse("reports:dashboard"))
    with django_assert_num_queries(15):  # the document schedule is one query in SQL (was three)
        client.get(reverse("reports:dashboard"))
    dataset.build(offset=100)  # twice the rows: the count must not move
    with django_assert_num_queries(15):
        client.get(reverse("reports:dashboard"))


def test_a_link_naming_only_a_team_shows_this_year_for_that_team(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    a = Team.objects.get(slug="halmstad-hylte")
    response = client.get(reverse("reports:statistics") + f"?team={a.pk}")
    assert response.status_code == 200
    assert [t.slug for t in response.context["chosen"]] == ["halmstad-hylte"]
    assert response.context["period"].start == date(timezone.localdate().year, 1, 1)


@override_settings(IST_SMALL_COUNT_THRESHOLD=3)
def test_the_note_names_the_configured_threshold(client, data) -> None:
    client.force_login(UserFactory(is_steering_group=True))
    html = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    assert "Antal från 1 till 2 visas som ”&lt;3”" in html


def test_each_figure_is_compared_with_the_previous_period_of_the_same_length(client, data) -> None:
    import re

    from reports.statistics import Period, previous_period

    # 2026Q3 is 92 days; the 92 days before it are 2026-03-31 – 2026-06-30
    assert previous_period(Period(date(2026, 7, 1), date(2026, 9, 30))) == Period(date(2026, 3, 31), date(2026, 6, 30))
    client.force_login(member(Role.KOORDINATOR))
    html = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    assert "jämförs med föregående period lika lång, 2026-03-31 – 2026-06-30" in html
    # Finsam then: K 2 (E1 from 05-01, E4 all along), M 0 (E6 closed in January, E2 not yet)
    fragment = table_text(html, "finsam")
    assert "Föregående period" in fragment
    assert re.findall(r'<td class="number previous">([^<]*)</td>', fragment) == ["2", "0", "2"]
