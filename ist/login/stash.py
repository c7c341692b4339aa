"""Nothing typed is lost when a session ends: a form posted after the session ended is kept in
the (server-side) session, and after logging in again the same person is brought back to it.

Kept for the person whose session ended only: on a shared office computer the next person to
log in must not see what the previous one typed. That person is known from the ended session's
row (the idle limit; rows are removed by the nightly clean-up) or from the lifetime check."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from ist.login.sessions import ENDED_USER

STASH = "ist_stashed_form"
MAX_CHARS = 200_000  # a long referral is ~20 000 characters; the session row must stay small
SKIPPED_FIELDS = {"csrfmiddlewaretoken"}


def _ended_user_id(request: HttpRequest) -> int | None:
    if request.session.get(ENDED_USER):
        return int(request.session[ENDED_USER])
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return None
    row = Session.objects.filter(session_key=key).first()
    if row is None:  # logged out on purpose (the row is deleted), or never logged in
        return None
    user_id = row.get_decoded().get("_auth_user_id")
    return int(user_id) if user_id else None


def keep_post(request: HttpRequest) -> bool:
    """Keep what this POST carried (not files) for the user whose session just ended. False if
    there is nobody to give it back to, or it is too big to keep."""
    user_id = _ended_user_id(request)
    if user_id is None:
        return False
    fields = [[name, value] for name, values in request.POST.lists() for value in values if name not in SKIPPED_FIELDS]
    if sum(len(name) + len(value) for name, value in fields) > MAX_CHARS:
        return False
    request.session[STASH] = {
        "user": user_id,
        "path": request.path,
        "fields": fields,
        "at": timezone.now().isoformat(),
    }
    return True


def take(request: HttpRequest) -> dict[str, Any] | None:
    """The kept form, if it belongs to the logged-in user (left in place until sent or discarded)."""
    kept = request.session.get(STASH)
    if not kept:
        return None
    if kept.get("user") != request.user.pk:
        del request.session[STASH]  # someone else's: never shown
        return None
    return kept


def discard(request: HttpRequest) -> None:
    request.session.pop(STASH, None)
    request.session.pop(ENDED_USER, None)
