"""Hooks for the authentication libraries."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

AXES_USERNAME_MAX = 255  # axes.models.AccessBase.username


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name as django-axes should count it: e-mail addresses are case-insensitive.

    Cut to what axes can store (255 characters): the login form refuses a longer name, but the
    admin's login form and any other path into `authenticate` do not, and a failed attempt with a
    longer name must not become a server error (docs/decisions/0015-forms-robustness.md)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()[:AXES_USERNAME_MAX]


class LoginBackend(ModelBackend):
    """Django's ModelBackend, except that a deactivated user with the right password is let through
    to the login form, which then says the account is deactivated (LoginForm "inactive") instead
    of "wrong password". Only after a correct password, so nothing is revealed to others. An open
    session of a deactivated user still ends at its next request (get_user refuses them)."""

    def user_can_authenticate(self, user: Any) -> bool:
        return True

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None
