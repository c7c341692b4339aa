from __future__ import annotations

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ist.audit.recording import DENIED, record_access
from teams.models import Membership, User
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role


def read(actor: User, obj, *, outcome: str = "", when=None) -> None:
    request = RequestFactory().get("/")
    request.user = actor
    record_access(request, [obj], outcome=outcome)
    if when is not None:
        LogEntry.objects.filter(pk=LogEntry.objects.latest("pk").pk).update(timestamp=when)


@pytest.fixture
def world():
    coordinator = member(Role.KOORDINATOR, first_name="Karin", last_name="Koordinator")
    handledare = member(Role.HANDLEDARE, first_name="Hanna", last_name="Handledare")
    subject = member(Role.HANDLEDARE, first_name="Sven", last_name="Ström")
    outsider = member(Role.HANDLEDARE, "kungsbacka", first_name="Olle", last_name="Utanför")
    admin = UserFactory(is_administrator=True)
    LogEntry.objects.all().delete()  # start from the reads below only
    read(handledare, subject)
    read(outsider, outsider)
    read(handledare, outsider, outcome=DENIED)
    return {
        "admin": admin,
        "coordinator": coordinator,
        "handledare": handledare,
        "subject": subject,
        "outsider": outsider,
    }


def test_coordinator_sees_entries_of_their_team_members_only(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:log"))
    assert response.status_code == 200
    shown = {e.object_pk for e in response.context["page"].object_list}
    assert shown == {str(world["subject"].pk), str(world["outsider"].pk)}  # both read by their handledare
    assert all(e.actor == world["handledare"] for e in response.context["page"].object_list)


def test_administrator_sees_everything(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get(reverse("audit:log"))
    assert len(response.context["page"].object_list) == 3


def test_filter_by_person_and_offer_an_extract(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:log"), {"person": "Ström"})
    assert [e.object_pk for e in response.context["page"].object_list] == [str(world["subject"].pk)]
    assert response.context["people"] == [(f"user:{world['subject'].pk}", f"Sven Ström ({world['subject'].email})")]
    assert "Loggutdrag (CSV)" in response.content.decode()


def test_filter_by_user_and_denied_attempts(client, world) -> None:
    client.force_login(world["admin"])
    response = client.get(reverse("audit:log"), {"actor": world["handledare"].pk, "action": "denied"})
    entries = list(response.context["page"].object_list)
    assert len(entries) == 1
    assert "Nekad åtkomst" in response.content.decode()


def test_filter_by_period_uses_inclusive_local_dates(client, world) -> None:
    old = timezone.now() - timedelta(days=40)
    read(world["handledare"], world["subject"], when=old)
    client.force_login(world["admin"])
    day = timezone.localdate(old).isoformat()
    response = client.get(reverse("audit:log"), {"date_from": day, "date_to": day})
    assert len(response.context["page"].object_list) == 1


def test_reversed_period_is_explained_beside_the_field(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:log"), {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    content = response.content.decode()
    assert "Slutdatum kan inte vara före startdatum." in content
    assert 'value="2026-05-02"' in content


@pytest.mark.parametrize("role", [Role.HANDLEDARE, Role.SAMVERKANSTEAM])
def test_other_team_roles_may_not_review_the_log(client, role: str) -> None:
    client.force_login(member(role))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:extract"), {"person": "user:1"}).status_code == 403


def test_extract_is_a_csv_of_the_persons_entries_in_scope(client, world) -> None:
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:extract"), {"person": f"user:{world['subject'].pk}"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0] == "Tid;Användare;Händelse;Uppgift;Objekt;IP-adress"
    assert len(lines) == 2
    assert world["handledare"].email in lines[1]


def test_extract_needs_a_person(client, world) -> None:
    client.force_login(world["coordinator"])
    assert client.get(reverse("audit:extract"), {"person": "x"}).status_code == 400


def test_log_page_has_constant_queries(client, world, django_assert_max_num_queries) -> None:
    client.force_login(world["admin"])
    client.get(reverse("audit:log"))  # warm the session and content types
    # 11: the page's own queries, the logged opening of Loggkontroll and the administrators' worker banner.
    with django_assert_max_num_queries(11) as few:
        client.get(reverse("audit:log"))
    for _ in range(30):
        read(world["handledare"], world["subject"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audit:log"))
    # 3 + 30 reads, and the two earlier openings of Loggkontroll (reading the log is logged)
    assert len(response.context["page"].object_list) == 35


def test_a_members_reads_of_another_teams_data_stay_with_that_team(client) -> None:
    halmstad = member(Role.KOORDINATOR)
    kungsbacka = member(Role.KOORDINATOR, "kungsbacka")
    shared = member(Role.HANDLEDARE)  # works in both teams
    Membership.objects.create(user=shared, team=kungsbacka.memberships.get().team, role=Role.HANDLEDARE)
    LogEntry.objects.all().delete()
    read(shared, kungsbacka.memberships.get().team)  # Kungsbacka's data
    client.force_login(halmstad)
    assert len(client.get(reverse("audit:log")).context["page"].object_list) == 0
    client.force_login(kungsbacka)
    assert len(client.get(reverse("audit:log")).context["page"].object_list) == 1


def test_period_filter_counts_by_stockholm_dates(client, world) -> None:
    from datetime import UTC, datetime

    late_evening_utc = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)  # 2026-03-10 00:30 in Stockholm
    read(world["handledare"], world["subject"], when=late_evening_utc)
    client.force_login(world["admin"])
    on_10th = client.get(reverse("audit:log"), {"date_from": "2026-03-10", "date_to": "2026-03-10"})
    on_9th = client.get(reverse("audit:log"), {"date_from": "2026-03-09", "date_to": "2026-03-09"})
    assert len(on_10th.context["page"].object_list) == 1
    assert len(on_9th.context["page"].object_list) == 0


def test_extract_cells_cannot_run_as_formulas(client, world) -> None:
    world["subject"].first_name = "=HYPERLINK(1)"
    world["subject"].save(update_fields=["first_name"])
    read(world["handledare"], world["subject"])
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:extract"), {"person": f"user:{world['subject'].pk}"})
    assert ";'=HYPERLINK(1)" in response.content.decode("utf-8-sig")


def test_log_times_are_local_yyyy_mm_dd_24h(client, world) -> None:
    from datetime import UTC, datetime

    read(world["handledare"], world["subject"], when=datetime(2026, 7, 1, 13, 5, 9, tzinfo=UTC))
    client.force_login(world["admin"])
    html = client.get(reverse("audit:log"), {"date_from": "2026-07-01", "date_to": "2026-07-01"}).content.decode()
    assert "2026-07-01 15:05:09" in html  # CEST, 24-hour clock


def test_extract_file_name_carries_no_personnummer(client, world) -> None:
    number = "198501012396"
    client.force_login(world["coordinator"])
    response = client.get(reverse("audit:extract"), {"person": f"pnr:{number}"})
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="loggutdrag-')
    assert number not in disposition
    assert number[:8] not in disposition.replace("-", "")


def test_extract_rows_hold_every_column_and_cost_the_same_queries_for_any_number_of_entries(
    client, world, django_assert_num_queries
) -> None:
    """The extract reads only the columns it writes (no user or content type joined per row): each
    row still has the time, the reader, the event in words (a refused read told apart), the kind of
    record, the record and the address, and more entries cost no more queries."""
    admin, outsider = world["admin"], world["outsider"]
    client.force_login(admin)
    url, person = reverse("audit:extract"), {"person": f"user:{outsider.pk}"}
    client.get(url, person)  # a first request: the session, the content types' cache
    with CaptureQueriesContext(connection) as few:
        rows = client.get(url, person).content.decode("utf-8-sig").splitlines()
    read(world["handledare"], outsider)
    read(world["handledare"], outsider)
    with django_assert_num_queries(len(few.captured_queries)):
        more = client.get(url, person).content.decode("utf-8-sig").splitlines()
    assert rows[0] == "Tid;Användare;Händelse;Uppgift;Objekt;IP-adress"
    assert [row.split(";")[1:] for row in rows[1:]] == [
        [outsider.email, "Läst", "användare", str(outsider), "127.0.0.1"],
        [world["handledare"].email, "Nekad åtkomst", "användare", str(outsider), "127.0.0.1"],
        [admin.email, "Läst", "loggpost", "loggutdrag", "127.0.0.1"],  # the first extract, logged
    ]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", row.split(";")[0]) for row in rows[1:])
    assert len(more) == len(rows) + 3  # two more reads, and the extract's own logged read before it
