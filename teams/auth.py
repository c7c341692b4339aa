"""Hooks for the authentication libraries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The login name as django-axes should count it: e-mail addresses are case-insensitive."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(username).strip().lower()
