"""django-axes guards the second step too: a wrong code or refused passkey counts like a wrong password."""

from __future__ import annotations

import contextlib

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from teams.models import User


def credentials(user: User) -> dict[str, str]:
    return {"username": user.email.lower()}


def locked_out(request: HttpRequest, user: User) -> HttpResponse | None:
    """The lockout page (and the half-finished login ended) if the account is locked, else None."""
    if AxesProxyHandler.is_locked(request, credentials(user)):
        logout(request)
        return get_lockout_response(request, credentials(user))
    return None


def record_second_step_failure(request: HttpRequest, user: User) -> HttpResponse | None:
    """Count a failed second step against the account. Returns the lockout page when this failure
    locked it: the password step is then undone (logout), so the next try starts from the password
    form, where axes refuses the locked account before any check."""
    # axes signals a lockout by raising; we answer it ourselves below
    with contextlib.suppress(PermissionDenied):
        user_login_failed.send(sender=__name__, credentials=credentials(user), request=request)
    return locked_out(request, user)
