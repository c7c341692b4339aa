"""Every URL pattern × every role: the answer each must get.

A new URL pattern without an entry in MATRIX fails `test_every_url_pattern_is_in_the_matrix`.
Apps keep their entries beside their tests (tests/<app>/matrix*.py, a dict ENTRIES of the
same shape); reverse kwargs may be a function of the `world` fixture (tests/conftest.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.models import ADMINISTRATOR_APPS
from tests.login import matrix_login as login_matrix
from tests.matrix_roles import ADMIN_LOGIN, ANY_LOGIN, LOGIN, ROLES, every, signed_in
from tests.notifications import matrix_inbox as inbox_matrix
from tests.participants import matrix_enrolment as enrolment_matrix
from tests.participants import matrix_journey as journey_matrix
from tests.participants import matrix_privacy as privacy_matrix
from tests.participants import matrix_week as week_matrix
from tests.participants.documents import matrix_delivery as delivery_matrix
from tests.participants.documents import matrix_documents as documents_matrix
from tests.referrals import matrix_meetings as meetings_matrix
from tests.referrals import matrix_referrer as referrer_matrix
from tests.referrals import matrix_triage as triage_matrix
from tests.reports import matrix_reports as reports_matrix
from tests.retention import matrix_retention as retention_matrix

# name: (reverse kwargs or a function of `world` giving them, query string, expected answer to GET per role)
MATRIX: dict[str, tuple[Any, str, dict[str, object]]] = {
    "home:start": ({}, "", signed_in(200)),
    "login": ({}, "", every(200)),
    "logout": ({}, "", signed_in(405)),  # POST only
    "password_change": ({}, "", signed_in(200)),
    "password_change_done": ({}, "", signed_in(200)),
    "password_reset": ({}, "", every(200)),
    "password_reset_done": ({}, "", every(200)),
    "password_reset_confirm": ({"uidb64": "MQ", "token": "ogiltig"}, "", every(200)),  # "the link is invalid"
    "password_reset_complete": ({}, "", every(200)),
    "teams:detail": ({"slug": "halmstad-hylte"}, "", signed_in(200, steering=404, referrer=404)),
    "audit:log": ({}, "", signed_in(403, administrator=200, koordinator=200)),
    "audit:extract": ({}, "person=user:1", signed_in(403, administrator=200, koordinator=200)),
    "set_language": ({}, "", every(302)),
    "healthz": ({}, "", every(200)),
}

MATRIX.update(referrer_matrix.ENTRIES)
MATRIX.update(triage_matrix.ENTRIES)
MATRIX.update(meetings_matrix.ENTRIES)
MATRIX.update(enrolment_matrix.ENTRIES)
MATRIX.update(week_matrix.ENTRIES)
MATRIX.update(journey_matrix.ENTRIES)
MATRIX.update(inbox_matrix.ENTRIES)
MATRIX.update(reports_matrix.ENTRIES)
MATRIX.update(documents_matrix.ENTRIES)
MATRIX.update(delivery_matrix.ENTRIES)
MATRIX.update(login_matrix.ENTRIES)
MATRIX.update(retention_matrix.ENTRIES)
MATRIX.update(privacy_matrix.ENTRIES)

# The admin is one table entry: every admin page answers like its index.
ADMIN_NAMESPACE = "admin"
ADMIN_EXPECTED = every(ADMIN_LOGIN, administrator=200, anonymous=ANY_LOGIN)


def all_url_names(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            namespace = f"{prefix}{item.namespace}:" if item.namespace else prefix
            names.extend(all_url_names(item, namespace))
        elif isinstance(item, URLPattern):
            names.append(f"{prefix}{item.name}" if item.name else f"{prefix}<unnamed {item.pattern}>")
    return names


def test_every_url_pattern_is_in_the_matrix() -> None:
    missing = [name for name in all_url_names() if name not in MATRIX and not name.startswith(f"{ADMIN_NAMESPACE}:")]
    assert missing == [], f"Add these URL patterns to MATRIX in {__file__}: {missing}"


def assert_answer(response, expected: object) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    elif expected == ANY_LOGIN:
        assert response.status_code == 302
        assert response.url.startswith((reverse("login"), reverse("admin:login")))
    elif expected == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    else:
        assert response.status_code == expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_answers_each_role_as_the_matrix_says(client, journey, role: str, name: str) -> None:
    kwargs, query, expected = MATRIX[name]
    if callable(kwargs):
        kwargs = kwargs(journey)
    if role != "anonymous":
        client.force_login(journey[role])
    url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
    assert_answer(client.get(url), expected[role])


def admin_pages() -> list[str]:
    changelists = [
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for model in admin.site._registry
        if model._meta.app_label in ADMINISTRATOR_APPS
    ]
    return ["admin:index", *changelists]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_admin_pages_answer_each_role(client, users, role: str) -> None:
    if role != "anonymous":
        client.force_login(users[role])
    for name in admin_pages():
        assert_answer(client.get(reverse(name)), ADMIN_EXPECTED[role])
