from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ist.home.navigation import menu_for
from ist.login.sessions import EXEMPT, SECOND_FACTOR


def navigation(request: HttpRequest) -> dict[str, object]:
    user: Any = getattr(request, "user", None)  # none on a page the middleware did not reach (errors)
    signed_in = user is not None and user.is_authenticated
    # Password given, second factor not yet: no menu, nothing but the second step.
    pending = (
        signed_in
        and settings.IST_MFA_REQUIRED
        and not user.is_verified()
        and (request.session.get(SECOND_FACTOR) != EXEMPT)
    )
    menu = menu_for(user, request.path) if signed_in and not pending else []
    return {
        "menu": menu,
        "second_factor_pending": pending,
        "organisation_name": settings.IST_ORGANISATION_NAME,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.IST_SESSION_WARNING_SECONDS,
    }
