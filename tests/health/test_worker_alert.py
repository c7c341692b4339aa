"""The administrators' banner when the worker is silent (templates/components/worker_alert.html)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ist.health.models import Heartbeat
from ist.health.services import heartbeat_record
from teams.models import Membership
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db

BANNER = "Bakgrundsarbetet svarar inte"


def beat_at(moment) -> None:
    Heartbeat.objects.update_or_create(source="worker", defaults={"beat_at": moment})


def test_administrators_see_since_when_the_worker_is_silent(client) -> None:
    moment = timezone.now() - timedelta(minutes=5)
    beat_at(moment)
    client.force_login(UserFactory(is_administrator=True))
    html = client.get(reverse("home:start")).content.decode()
    local = moment.astimezone(ZoneInfo("Europe/Stockholm"))
    assert 'role="alert"' in html
    assert (
        f"{BANNER}: inga e-post, PDF:er eller påminnelser skickas sedan "
        + ("" if local.date() == timezone.localdate() else f"{local:%Y-%m-%d} ")
        + f"kl. {local:%H:%M}."
    ) in html


def test_a_silence_since_an_earlier_day_shows_the_date(client) -> None:
    moment = timezone.now() - timedelta(days=2)
    beat_at(moment)
    client.force_login(UserFactory(is_administrator=True))
    html = client.get(reverse("home:start")).content.decode()
    assert f"sedan {moment.astimezone(ZoneInfo('Europe/Stockholm')):%Y-%m-%d kl. %H:%M}." in html


def test_no_banner_while_the_heartbeat_is_fresh(client) -> None:
    heartbeat_record()
    client.force_login(UserFactory(is_administrator=True))
    assert BANNER not in client.get(reverse("home:start")).content.decode()


def test_no_banner_before_the_first_heartbeat_within_the_grace_but_after_it(client, settings) -> None:
    client.force_login(UserFactory(is_administrator=True))
    settings.IST_WORKER_STARTUP_GRACE_S = 10**9
    assert BANNER not in client.get(reverse("home:start")).content.decode()
    settings.IST_WORKER_STARTUP_GRACE_S = 0
    assert BANNER in client.get(reverse("home:start")).content.decode()


def heartbeat_queries(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many of its queries read the heartbeat."""
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as page:
        html = client.get(url).content.decode()
    return html, sum("health_heartbeat" in query["sql"] for query in page.captured_queries)


def test_other_roles_never_see_it_and_pay_no_query_for_it(client) -> None:
    beat_at(timezone.now() - timedelta(hours=1))
    for user in (member(Membership.Role.KOORDINATOR), UserFactory(is_steering_group=True)):
        client.force_login(user)
        html, reads = heartbeat_queries(client, reverse("home:start"))
        assert BANNER not in html
        assert reads == 0


def test_administrators_pay_one_query_for_it(client) -> None:
    beat_at(timezone.now() - timedelta(hours=1))
    client.force_login(UserFactory(is_administrator=True))
    html, reads = heartbeat_queries(client, reverse("home:start"))
    assert BANNER in html
    assert reads == 1


def test_a_fragment_without_the_banner_pays_no_query_for_it(client) -> None:
    """The "Att göra" count every page loads by htmx renders no base.html: no heartbeat read."""
    beat_at(timezone.now() - timedelta(hours=1))
    client.force_login(UserFactory(is_administrator=True))
    html, reads = heartbeat_queries(client, reverse("reminders:count"))
    assert BANNER not in html
    assert reads == 0
