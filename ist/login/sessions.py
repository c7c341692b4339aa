"""Session lifetime, the second-step gate, and no caching of pages with personal data."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from ist.login.policy import second_factor_required

STARTED = "ist_login_started"
SECOND_FACTOR = "ist_second_factor"
REQUIRED, EXEMPT = "required", "exempt"
ENDED_USER = "ist_ended_user"  # whose session the lifetime ended: for ist.login.stash

# Pages a user who has given the password but not the second factor may open.
OPEN_WHILE_PENDING = frozenset(
    {
        "login",
        "logout",
        "set_language",
        "healthz",
        "signin:verify",
        "signin:enrol",
        "signin:enrol_totp",
        "signin:enrol_passkey",
        "signin:keepalive",
    }
)
OPEN_NAMESPACES = ("otp_webauthn",)


def start(request: HttpRequest) -> None:
    request.session[STARTED] = int(time.time())


class SessionLifetimeMiddleware:
    """A session ends IST_SESSION_MAX_SECONDS after login however active it is (the idle limit is
    Django's SESSION_COOKIE_AGE, renewed by every request). Runs after the message middleware, so
    the login page can say why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(STARTED)
            if started is None:
                start(request)  # a session from before this rule: count from now
            elif time.time() - started > settings.IST_SESSION_MAX_SECONDS:
                user_id = request.user.pk
                logout(request)
                request.session[ENDED_USER] = user_id
                hours = round(settings.IST_SESSION_MAX_SECONDS / 3600)
                messages.info(request, f"Du har varit inloggad i {hours} timmar. Logga in igen för att fortsätta.")
        return self.get_response(request)


class SecondFactorMiddleware:
    """After the password, only the second-step pages open until the user has given the second
    factor (or enrolled one); everything else leads there, and back afterwards (`next`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        if not settings.IST_MFA_REQUIRED:
            return None
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        state = request.session.get(SECOND_FACTOR)
        if state is None:  # a session from before the requirement: decide now, once
            state = request.session[SECOND_FACTOR] = REQUIRED if second_factor_required(user) else EXEMPT
        if state == EXEMPT:
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_WHILE_PENDING or match.namespace in OPEN_NAMESPACES:
            return None
        htmx = getattr(request, "htmx", None)
        page = (htmx.current_url_abs_path if htmx else None) or (
            request.get_full_path() if request.method == "GET" else "/"
        )
        target = f"{reverse('signin:verify')}?{urlencode({'next': page})}"
        if htmx:
            return HttpResponse(status=204, headers={"HX-Redirect": target})
        return redirect(target)


class NoStoreMiddleware:
    """Every answer to a logged-in user may carry personal data (pages, partials, PDFs, exports):
    no browser or proxy may keep a copy (Cache-Control: no-store). Static files (served before this
    by WhiteNoise in production, by Django in development) stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(settings.STATIC_URL):
            add_never_cache_headers(response)
        return response
