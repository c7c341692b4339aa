"""Statistics people can act on (issue 17, point 2): a coordinator's figures link to the people
behind them, scoped to their teams and logged; never for the steering group. Data: dataset.py, 2026Q3."""

from __future__ import annotations

import html as htmllib
import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from teams.models import Membership, Team
from tests.factories import UserFactory, member
from tests.reports import dataset

pytestmark = pytest.mark.django_db
Role = Membership.Role
Q3 = "fran=2026-07-01&till=2026-09-30"
PEOPLE = reverse("reports:figure_people")
# Tables whose figures count people (each once), so a list is exactly as long as its figure.
PEOPLE_TABLES = ["finsam", "municipality", "age", "volume", "closures"]


@pytest.fixture
def data():
    return dataset.build()


def _links(page: str, table: str) -> list[tuple[str, int]]:
    """(address, the figure it is on) for every linked count of a table."""
    start = page.index(f'id="table-{table}"')
    fragment = page[start : page.index("</table>", start)]
    return [(htmllib.unescape(href), int(n)) for href, n in re.findall(r'<a href="([^"]+)"[^>]*>(\d+)</a>', fragment)]


def _names(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/deltagare/\d+/">([^<]+)</a></th>', page)


def test_a_coordinators_figure_leads_to_the_people_behind_it(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    page = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    links = {href.split("tabell=")[1]: n for href, n in _links(page, "finsam")}
    # Finsam, Halmstad/Hylte: K 2 (P1, P4), M 1 (P2), total 3
    assert links == {"finsam&rad=Kvinna&kolumn=0": 2, "finsam&rad=Man&kolumn=0": 1, "finsam&kolumn=0": 3}
    kvinna = next(href for href, _n in _links(page, "finsam") if "rad=Kvinna" in href)
    response = client.get(kvinna)
    assert response.status_code == 200
    listed = response.content.decode()
    assert sorted(_names(listed)) == ["P1 Test", "P4 Test"]
    assert "Uppföljning Finsam: Kvinna" in listed
    # every listed enrolment is logged as read
    logged = LogEntry.objects.filter(additional_data__what="statistikunderlag: finsam")
    assert logged.count() == 2


def test_every_linked_count_of_people_lists_as_many_people(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    page = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    followed = 0
    for table in PEOPLE_TABLES:
        for href, n in _links(page, table):
            assert len(_names(client.get(href).content.decode())) == n, href
            followed += 1
    assert followed >= 12


def test_a_count_of_events_lists_the_people_they_belong_to(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    page = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    # Activities, Närvarande total 3: E1's talk and physical training, E2's physical training
    present_total = next(href for href, _n in _links(page, "activities") if "rad=" not in href and "kolumn=0" in href)
    assert sorted(_names(client.get(present_total).content.decode())) == ["P1 Test", "P2 Test"]


def test_the_steering_group_never_gets_a_list(client, data) -> None:
    client.force_login(UserFactory(is_steering_group=True))
    a = Team.objects.get(slug="halmstad-hylte")
    page = client.get(reverse("reports:statistics") + f"?{Q3}&team={a.pk}").content.decode()
    assert PEOPLE not in page
    assert client.get(f"{PEOPLE}?{Q3}&team={a.pk}&tabell=finsam&rad=Kvinna&kolumn=0").status_code == 404


def test_an_administrator_gets_no_list_either(client, data) -> None:
    client.force_login(UserFactory(is_administrator=True))
    assert client.get(f"{PEOPLE}?{Q3}&tabell=finsam&rad=Kvinna&kolumn=0").status_code == 404


def test_another_teams_coordinator_gets_404(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR, "varberg"))
    a = Team.objects.get(slug="halmstad-hylte")
    assert client.get(f"{PEOPLE}?{Q3}&team={a.pk}&tabell=finsam&rad=Kvinna&kolumn=0").status_code == 404
    # Their own team's list does not show the other team's people.
    own = client.get(f"{PEOPLE}?{Q3}&tabell=finsam&rad=Man&kolumn=0").content.decode()
    assert _names(own) == ["P5 Test"]


def test_an_unknown_figure_is_404(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    for query in (
        "tabell=questions",
        "tabell=referrals&rad=Okänd",
        "tabell=decisions&kolumn=1",
        "tabell=finsam&rad=Okänd",
        "tabell=municipality&kolumn=9",
        "tabell=x",
    ):
        assert client.get(f"{PEOPLE}?{Q3}&{query}").status_code == 404, query


def test_the_list_runs_a_constant_number_of_queries(client, data, django_assert_max_num_queries) -> None:
    client.force_login(member(Role.KOORDINATOR))
    address = f"{PEOPLE}?{Q3}&tabell=volume&rad=Inskrivna+n%C3%A5gon+g%C3%A5ng+under+perioden"
    client.get(address)  # sessions and caches warm
    with django_assert_max_num_queries(12):
        response = client.get(address)
    assert len(_names(response.content.decode())) == 3
    # twice the rows: the same number of queries
    more = dataset.build(offset=100)
    assert more
    with django_assert_max_num_queries(12):
        response = client.get(address)
    assert len(_names(response.content.decode())) == 6


def test_the_overviews_counts_lead_to_the_people_too(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    page = client.get(reverse("reports:dashboard")).content.decode()
    links = [
        (htmllib.unescape(href), int(n))
        for href, n in re.findall(r'<a href="(/statistik/personer/[^"]+)"[^>]*>(\d+)</a>', page)
        if "tabell=documents" not in href  # the document counts: the next test
    ]
    # Team A today: E1 active (Redo för mer), the only active enrolment; its handledare has one
    assert sorted(href.split("tabell=")[1].split("&")[0] for href, _n in links) == ["caseload", "phase_now"]
    for href, n in links:
        listed = client.get(href).content.decode()
        assert _names(listed) == ["P1 Test"], href
        assert n == 1
    # another team's coordinator cannot open team A's list
    a = Team.objects.get(slug="halmstad-hylte")
    client.force_login(member(Role.KOORDINATOR, "varberg"))
    assert client.get(f"{PEOPLE}?team={a.pk}&tabell=phase_now").status_code == 404


# The way-in tables count referrals: their figures list the referrals behind them.
REFERRAL_TABLES = ["referrals", "decisions", "info_meetings"]


def _referrals(page: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="(/[^"]+/\d+/)">[^<]*</a></th>', page)


def test_every_linked_count_of_referrals_lists_as_many_referrals(client, data) -> None:
    client.force_login(member(Role.KOORDINATOR))
    page = client.get(reverse("reports:statistics") + "?" + Q3).content.decode()
    followed = set()
    for table in REFERRAL_TABLES:
        for href, n in _links(page, table):
            response = client.get(href)
            assert response.status_code == 200, href
            assert "Remisserna bakom siffran" in response.content.decode()
            assert len(_referrals(response.content.decode())) == n, href
            followed.add(table)
    assert followed == set(REFERRAL_TABLES)
    # every listed referral is logged as read, under its table
    assert LogEntry.objects.filter(additional_data__what="statistikunderlag: referrals").exists()
    assert LogEntry.objects.filter(additional_data__what="statistikunderlag: info_meetings").exists()


def test_referral_lists_are_scoped_and_never_for_the_steering_group(client, data) -> None:
    a = Team.objects.get(slug="halmstad-hylte")
    address = f"{PEOPLE}?{Q3}&team={a.pk}&tabell=referrals&kolumn=0"
    client.force_login(member(Role.KOORDINATOR, "varberg"))
    assert client.get(address).status_code == 404
    client.force_login(UserFactory(is_steering_group=True))
    page = client.get(reverse("reports:statistics") + f"?{Q3}&team={a.pk}").content.decode()
    assert PEOPLE not in page
    assert client.get(address).status_code == 404
    client.force_login(UserFactory(is_administrator=True))
    assert client.get(address).status_code == 404


def test_the_overviews_document_counts_lead_to_the_people_too(client, data) -> None:
    from reports.dashboard import panels

    user = member(Role.KOORDINATOR)
    client.force_login(user)
    page = client.get(reverse("reports:dashboard")).content.decode()
    links = [
        (htmllib.unescape(href), int(n))
        for href, n in re.findall(r'<a href="(/statistik/personer/[^"]+tabell=documents[^"]*)"[^>]*>(\d+)</a>', page)
    ]
    # every non-zero document count of team A's panel links, and nothing else does
    a = Team.objects.get(slug="halmstad-hylte")
    documents = panels(Team.objects.filter(pk=a.pk), today=timezone.localdate())[0].documents
    assert sorted(n for _href, n in links) == sorted(n for n in documents.values() if n)
    assert links  # E1, active since the summer, has its återrapport overdue by now
    for href, n in links:
        response = client.get(href)
        assert response.status_code == 200, href
        assert len(_names(response.content.decode())) == n, href
    assert LogEntry.objects.filter(additional_data__what="statistikunderlag: documents").exists()
    # another team's coordinator and the steering group get 404
    href = links[0][0]
    client.force_login(member(Role.KOORDINATOR, "varberg"))
    assert client.get(href).status_code == 404
    client.force_login(UserFactory(is_steering_group=True))
    assert client.get(href).status_code == 404
    client.force_login(user)
    assert client.get(href.replace("kolumn=", "kolumn=7")).status_code == 404


def test_the_referral_and_document_lists_run_a_constant_number_of_queries(client, data) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member(Role.KOORDINATOR))
    referrals = f"{PEOPLE}?{Q3}&tabell=referrals&kolumn=0"
    documents = f"{PEOPLE}?tabell=documents&rad=report&kolumn=0"
    client.get(referrals)  # sessions and caches warm

    def measured(address: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(address)
        return len(queries), len(_referrals(response.content.decode()))

    before = {address: measured(address) for address in (referrals, documents)}
    assert before[referrals][1] >= 2
    assert all(n <= 16 for n, _rows in before.values()), before
    more = dataset.build(offset=100)  # twice the rows: the same number of queries
    assert more
    for address, (n, rows) in before.items():
        assert measured(address) == (n, 2 * rows), address
