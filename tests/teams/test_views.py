from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from ist.audit.recording import DENIED
from teams.models import Membership
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_member_opens_their_team_page_and_the_read_is_logged(client) -> None:
    user = member(Role.SAMVERKANSTEAM)
    client.force_login(user)
    response = client.get(reverse("teams:detail", args=["halmstad-hylte"]))
    assert response.status_code == 200
    assert user.get_full_name() in response.content.decode()
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == user
    assert entry.additional_data["what"] == "teamsida"


def test_another_teams_page_is_404_and_the_attempt_is_logged(client) -> None:
    user = member(Role.HANDLEDARE, "kungsbacka")
    client.force_login(user)
    response = client.get(reverse("teams:detail", args=["halmstad-hylte"]))
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()
    entry = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == user
    assert entry.additional_data["outcome"] == DENIED


def test_an_unknown_team_is_a_plain_404(client) -> None:
    client.force_login(member(Role.HANDLEDARE))
    assert client.get(reverse("teams:detail", args=["finns-inte"])).status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_administrator_opens_every_team(client) -> None:
    client.force_login(UserFactory(is_administrator=True))
    for slug in ("laholm", "halmstad-hylte", "falkenberg", "varberg", "kungsbacka"):
        assert client.get(reverse("teams:detail", args=[slug])).status_code == 200


def test_team_page_has_constant_queries(client, django_assert_max_num_queries) -> None:
    client.force_login(member(Role.KOORDINATOR))
    url = reverse("teams:detail", args=["halmstad-hylte"])
    client.get(url)
    with django_assert_max_num_queries(12) as baseline:
        client.get(url)
    for _ in range(10):
        member(Role.HANDLEDARE)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        client.get(url)
