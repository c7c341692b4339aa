"""Every URL pattern × every role: the answer each must get.

A new URL pattern without an entry in MATRIX fails `test_every_url_pattern_is_in_the_matrix`.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from teams.models import ADMINISTRATOR_APPS

ROLES = ["anonymous", "administrator", "steering", "koordinator", "handledare", "samverkansteam", "referrer"]
LOGIN = "login"  # redirect to the login page
ADMIN_LOGIN = "admin-login"  # redirect to the admin's login page
ANY_LOGIN = "any-login"  # either login page (the admin sends strangers to its own)


def every(code: object, **overrides: object) -> dict[str, object]:
    return {role: overrides.get(role, code) for role in ROLES}


def signed_in(code: object, **overrides: object) -> dict[str, object]:
    return every(code, anonymous=LOGIN, **overrides)


# name: (reverse kwargs, query string, expected answer to GET per role)
MATRIX: dict[str, tuple[dict[str, str], str, dict[str, object]]] = {
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
def test_url_answers_each_role_as_the_matrix_says(client, users, role: str, name: str) -> None:
    kwargs, query, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(users[role])
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
