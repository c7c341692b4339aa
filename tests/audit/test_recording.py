from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.http import Http404
from django.test import RequestFactory

from ist.audit.recording import DENIED, get_visible_or_404, record_access
from teams.models import Membership, User
from teams.selectors import users_visible_to
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def request_by(user: User):
    request = RequestFactory().get("/x", REMOTE_ADDR="192.0.2.7")
    request.user = user
    return request


def test_a_visible_object_is_returned_and_its_read_logged() -> None:
    coordinator = member(Membership.Role.KOORDINATOR)
    colleague = member(Membership.Role.HANDLEDARE)
    found = get_visible_or_404(request_by(coordinator), users_visible_to(coordinator), what="profil", pk=colleague.pk)
    assert found == colleague
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.actor == coordinator
    assert entry.object_pk == str(colleague.pk)
    assert entry.remote_addr == "192.0.2.7"
    assert entry.additional_data == {"person": f"user:{colleague.pk}", "what": "profil"}


def test_an_object_out_of_scope_is_404_and_the_attempt_logged() -> None:
    coordinator = member(Membership.Role.KOORDINATOR)
    stranger = member(Membership.Role.HANDLEDARE, "kungsbacka")
    with pytest.raises(Http404):
        get_visible_or_404(request_by(coordinator), users_visible_to(coordinator), pk=stranger.pk)
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.additional_data["outcome"] == DENIED
    assert entry.object_pk == str(stranger.pk)


def test_a_missing_object_is_a_plain_404_without_log() -> None:
    coordinator = member(Membership.Role.KOORDINATOR)
    with pytest.raises(Http404):
        get_visible_or_404(request_by(coordinator), users_visible_to(coordinator), pk=999_999)
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_list_reads_are_logged_in_one_insert(django_assert_num_queries) -> None:
    viewer = UserFactory.create(is_administrator=True)
    people = UserFactory.create_batch(5)
    list(User.objects.all())  # warm ContentType cache
    record_access(request_by(viewer), people[:1])
    with django_assert_num_queries(1):
        assert record_access(request_by(viewer), people, what="lista") == 5
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what="lista").count() == 5


def test_changes_to_users_are_in_the_change_history_without_secrets() -> None:
    user = UserFactory.create()
    user.phone = "070-000 00 00"
    user.save(update_fields=["phone"])
    user.set_password("ett-annat-losen-88")
    user.save(update_fields=["password"])
    changes = [e.changes_dict for e in LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE)]
    assert any("phone" in c for c in changes)
    assert not any("password" in c for c in changes)


def test_forwarded_for_is_ignored_unless_behind_our_proxy(settings) -> None:
    from ist.audit.recording import client_ip

    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.USE_X_FORWARDED_FOR = False
    assert client_ip(request) == "192.0.2.7"
    settings.USE_X_FORWARDED_FOR = True
    assert client_ip(request) == "203.0.113.9"


def test_behind_the_proxy_the_last_hop_counts_and_garbage_is_refused(settings) -> None:
    from ist.audit.recording import client_ip

    settings.USE_X_FORWARDED_FOR = True
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    garbage = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="evil")
    assert client_ip(garbage) == "10.0.0.2"


def test_a_forged_forwarded_for_header_does_not_break_an_audited_write(client) -> None:
    admin = UserFactory.create(is_administrator=True)
    client.force_login(admin)
    target = UserFactory.create()
    response = client.post(
        f"/admin/teams/user/{target.pk}/change/",
        {
            "email": target.email,
            "first_name": "Ny",
            "last_name": target.last_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        HTTP_X_FORWARDED_FOR="evil",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.remote_addr == "127.0.0.1"


def test_behind_the_proxy_changes_and_lockouts_take_the_proxys_entry_too(client, settings) -> None:
    """docs/decisions/0002: the change log (our auditlog middleware) and django-axes use the same rule
    as the access log: behind the proxy the last X-Forwarded-For entry, never the client's first one."""
    settings.USE_X_FORWARDED_FOR = True
    assert settings.AXES_CLIENT_IP_CALLABLE == "ist.audit.recording.client_ip"
    admin = UserFactory(is_administrator=True)
    client.force_login(admin)
    target = UserFactory.create()
    response = client.post(
        f"/admin/teams/user/{target.pk}/change/",
        {
            "email": target.email,
            "first_name": "Ny",
            "last_name": target.last_name,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).latest("pk")
    assert entry.remote_addr == "203.0.113.9"


def test_allowed_or_403_tells_a_reader_why_and_hides_from_others() -> None:
    from django.core.exceptions import PermissionDenied

    from ist.audit.recording import get_allowed_or_403

    coordinator = member(Membership.Role.KOORDINATOR)
    colleague = member(Membership.Role.HANDLEDARE)
    stranger = member(Membership.Role.HANDLEDARE, "kungsbacka")
    visible = users_visible_to(coordinator)
    allowed = visible.exclude(pk=colleague.pk)  # this coordinator may "change" all but the colleague
    request = request_by(coordinator)
    with pytest.raises(PermissionDenied, match="Inte du"):
        get_allowed_or_403(request, allowed, visible, what="x", refusal="Inte du.", pk=colleague.pk)
    with pytest.raises(Http404):
        get_allowed_or_403(request, allowed, visible, what="x", refusal="Inte du.", pk=stranger.pk)
    assert get_allowed_or_403(request, allowed, visible, what="x", refusal="Inte du.", pk=coordinator.pk) == coordinator


def test_the_403_page_says_why(client) -> None:
    from django.urls import reverse

    client.force_login(member(Membership.Role.HANDLEDARE))
    response = client.get(reverse("participants:ready"))
    assert response.status_code == 403
    assert "Bara teamkoordinatorer skriver in deltagare." in response.content.decode()
