"""Loggkontroll's keyset pages ("Nyare / Äldre"): order, boundaries, ties on the timestamp, the
reviewer's scope, constant queries; and the search by person through its expression index."""

from __future__ import annotations

from datetime import timedelta
from itertools import chain

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from ist.audit.selectors import filter_log, log_entries_for
from ist.audit.views import PAGE_SIZE
from ist.keyset import cursor_of, keyset_page, parse_cursor
from teams.models import Membership, Team, User
from tests.databases import postgresql_only
from tests.factories import UserFactory, member

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role
URL = reverse("audit:log")


def first_team() -> Team:
    team = Team.objects.first()
    assert team is not None
    return team


def entries(actor: User, team: Team, count: int, *, same_time: bool = False, start: int = 0) -> list[LogEntry]:
    """`count` reads by `actor` of data in `team`, a second apart (or all at one instant), oldest first."""
    base = timezone.now() - timedelta(days=1)
    kind = ContentType.objects.get_for_model(Team)
    return LogEntry.objects.bulk_create(
        LogEntry(
            content_type=kind,
            object_pk=str(start + n),
            object_repr=f"rad {start + n}",
            action=LogEntry.Action.ACCESS,
            changes_text="",
            actor=actor,
            actor_email=actor.email,
            timestamp=base if same_time else base + timedelta(seconds=start + n),
            additional_data={"team": team.pk, "person": f"pnr:1985000{(start + n) % 7:05d}"},
        )
        for n in range(count)
    )


def walk_older(client, params: dict[str, str] | None = None) -> list[list[int]]:
    """Every page from the newest by the "Äldre" links; the pk of each row."""
    pages, params = [], dict(params or {})
    while True:
        page = client.get(URL, params).context["page"]
        pages.append([e.pk for e in page.object_list])
        if page.older is None:
            return pages
        params["aldre"] = page.older


def test_pages_run_newest_first_without_gaps_or_repeats_and_back(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    handledare = member(Role.HANDLEDARE)
    LogEntry.objects.all().delete()
    made = entries(handledare, handledare.memberships.get().team, 2 * PAGE_SIZE + 20)
    client.force_login(admin)
    only = {"actor": str(handledare.pk)}  # a filter (the links keep it) that leaves out the reviews' own reads
    pages = walk_older(client, only)
    assert [len(p) for p in pages] == [PAGE_SIZE, PAGE_SIZE, 20]
    assert list(chain(*pages)) == [e.pk for e in reversed(made)]
    first = client.get(URL, only).context["page"]
    assert first.newer is None
    second = client.get(URL, {**only, "aldre": first.older}).context["page"]
    html = client.get(URL, {**only, "aldre": first.older}).content.decode()
    assert f"actor={handledare.pk}&amp;nyare={second.newer}" in html
    assert "Äldre" in html
    # "Nyare" from the second page is the first page again, whole.
    back = client.get(URL, {**only, "nyare": second.newer}).context["page"]
    assert [e.pk for e in back.object_list] == pages[0]
    assert back.newer is None
    # "Nyare" from the last page is the second page.
    last = client.get(URL, {**only, "aldre": second.older}).context["page"]
    assert [e.pk for e in client.get(URL, {**only, "nyare": last.newer}).context["page"].object_list] == pages[1]


def test_a_page_of_exactly_the_page_size_has_no_older_page(client) -> None:
    admin, reader = UserFactory.create(is_administrator=True), UserFactory.create()
    LogEntry.objects.all().delete()
    entries(reader, first_team(), PAGE_SIZE)
    client.force_login(admin)
    response = client.get(URL, {"actor": reader.pk})
    page = response.context["page"]
    assert len(page.object_list) == PAGE_SIZE
    assert page.older is None
    assert page.newer is None
    assert "Äldre" not in response.content.decode()


def test_ties_on_the_timestamp_are_broken_by_the_key() -> None:
    actor = UserFactory.create()
    LogEntry.objects.all().delete()
    made = entries(actor, first_team(), 3, start=0)
    made += entries(actor, first_team(), 8, same_time=True, start=3)  # eight rows at one instant
    everything = LogEntry.objects.all()
    seen, older = [], None
    pages = []
    while True:
        page = keyset_page(everything, size=3, older_than=older)
        pages.append(page)
        seen += [e.pk for e in page.object_list]
        if page.older is None:
            break
        older = page.older
    expected = [e.pk for e in sorted(made, key=lambda e: (e.timestamp, e.pk), reverse=True)]
    assert seen == expected
    # and back through the ties by "Nyare"
    newer_walk = []
    page = pages[-1]
    while page.newer is not None:
        page = keyset_page(everything, size=3, newer_than=page.newer)
        newer_walk.append([e.pk for e in page.object_list])
    assert newer_walk[-1] == expected[:3]


def test_each_reviewer_pages_through_their_own_scope_only(client) -> None:
    coordinator = member(Role.KOORDINATOR)
    mine = member(Role.HANDLEDARE)
    theirs = member(Role.HANDLEDARE, "kungsbacka")
    LogEntry.objects.all().delete()
    own = entries(mine, mine.memberships.get().team, PAGE_SIZE + 10, start=0)
    entries(theirs, theirs.memberships.get().team, PAGE_SIZE + 10, start=1000)  # interleaved in time
    client.force_login(coordinator)
    pages = walk_older(client, {"action": "read"})
    # the coordinator's own openings of Loggkontroll are in their scope too (teamless, by a member)
    shown = [pk for pk in list(chain(*pages)) if pk in {e.pk for e in own} or pk < min(e.pk for e in own)]
    assert shown == [e.pk for e in reversed(own)]
    assert not LogEntry.objects.filter(pk__in=list(chain(*pages)), actor=theirs).exists()


def test_a_cursor_that_is_not_one_shows_the_first_page(client) -> None:
    admin, reader = UserFactory.create(is_administrator=True), UserFactory.create()
    LogEntry.objects.all().delete()
    entries(reader, first_team(), 5)
    client.force_login(admin)
    for junk in ["x", "12", "-1-2", "9" * 30 + "-1", "1-2-3"]:
        page = client.get(URL, {"actor": reader.pk, "aldre": junk, "nyare": junk}).context["page"]
        assert len(page.object_list) == 5
    assert parse_cursor("9" * 20 + "-1") is None  # beyond any datetime: not an error
    moment = timezone.now()
    assert parse_cursor(cursor_of(moment, 7)) == (moment, 7)


def test_deep_pages_take_as_many_queries_as_the_first(client, django_assert_max_num_queries) -> None:
    admin = UserFactory.create(is_administrator=True)
    team = first_team()
    LogEntry.objects.all().delete()
    entries(admin, team, 3 * PAGE_SIZE)
    client.force_login(admin)
    client.get(URL)  # warm the session and content types
    with django_assert_max_num_queries(11) as first:
        page = client.get(URL).context["page"]
    count = len(first.captured_queries)  # now: the connection's log is a bounded deque
    entries(admin, team, 6 * PAGE_SIZE, start=10_000)  # twice the rows
    older = client.get(URL, {"aldre": page.older}).context["page"]
    with django_assert_max_num_queries(count):
        client.get(URL, {"aldre": older.older})
    with django_assert_max_num_queries(count):
        client.get(URL, {"nyare": older.newer})


@postgresql_only  # the expression index and `SET LOCAL enable_seqscan` are PostgreSQL's
def test_search_by_person_returns_the_same_rows_through_the_expression_index() -> None:
    actor = UserFactory.create()
    LogEntry.objects.all().delete()
    entries(actor, first_team(), 70)
    wanted = ["pnr:198500000003", "pnr:198500000005"]
    found = filter_log(log_entries_for(UserFactory.create(is_administrator=True)), people=wanted)
    by_hand = [
        e.pk
        for e in LogEntry.objects.order_by("-timestamp", "-pk")
        if (e.additional_data or {}).get("person") in wanted
    ]
    assert [e.pk for e in found] == by_hand
    assert len(by_hand) == 20
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its choice
        sql, params = found.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_logentry_person_idx" in plan


def test_the_read_filter_keeps_ordinary_reads_and_drops_refusals(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    LogEntry.objects.all().delete()
    reads = entries(admin, first_team(), 3)
    LogEntry.objects.filter(pk=reads[0].pk).update(additional_data={"outcome": "denied", "team": 1})
    client.force_login(admin)
    shown = client.get(URL, {"action": "read"}).context["page"].object_list
    assert [e.pk for e in shown] == [reads[2].pk, reads[1].pk]
