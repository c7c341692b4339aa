"""Hooks for the authentication libraries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

AXES_USERNAME_MAX = 255  # axes.models.AccessBase.username


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name as django-axes should count it: e-mail addresses are case-insensitive.

    Cut to what axes can store (255 characters): the login form refuses a longer name, but the
    admin's login form and any other path into `authenticate` do not, and a failed attempt with a
    longer name must not become a server error (docs/decisions/0015-forms-robustness.md)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()[:AXES_USERNAME_MAX]
