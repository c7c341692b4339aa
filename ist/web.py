"""Small request helpers every view module shares."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from ist.forms import MAX_DATE, MIN_DATE, in_range
from ist.http import HtmxHttpRequest


def form_token(request: HttpRequest) -> uuid.UUID:
    """The creation form's idempotency key: the posted one, or a fresh one for a new form.

    Services create at most one row per token, so a double click creates one."""
    try:
        return uuid.UUID(request.POST.get("form_token", ""))
    except ValueError:
        return uuid.uuid4()


def whole_number(text: str) -> int | None:
    """A whole number as a form or link carries it (ASCII digits only), or None.

    `str.isdigit()` is true for "²" and other digits `int()` refuses, which was a 500."""
    return int(text) if text.isascii() and text.isdigit() else None


def _ignored(request: HttpRequest, message: str) -> None:
    # A full page says why it shows the default; a fragment has nowhere to say it.
    if not getattr(request, "htmx", False):
        messages.warning(request, message)


def query_date(request: HttpRequest, name: str, *, default: date) -> date:
    """A YYYY-MM-DD date from the query string (a prefill or a filter in a link), or `default`.

    A link is not a form with a field to put a message beside: a malformed date, or one outside
    MIN_DATE..MAX_DATE (where a rule adding days would overflow), is ignored with a message, never
    a server error. The one parser of dates in query strings (docs/decisions/0015)."""
    text = request.GET.get(name, "")
    if not text:
        return default
    try:
        day = date.fromisoformat(text)
    except ValueError:
        day = None
    if day is None or not in_range(day):
        _ignored(request, f"Datumet i adressen gick inte att använda. Visar {default:%Y-%m-%d} i stället.")
        return default
    return day


def parse_iso_week(text: str) -> date | None:
    """'2026-W47' → the Monday of that ISO week; None if it is not a week in the accepted range."""
    year, sep, week = text.partition("-W")
    if not (sep and year.isdigit() and week.isdigit() and len(year) == 4 and len(week) <= 2):
        return None
    try:
        monday = date.fromisocalendar(int(year), int(week), 1)
    except ValueError:  # week 0, 54, or 53 in a year without one
        return None
    # A week's neighbours are linked from its page, so keep a week's margin inside the range.
    return monday if MIN_DATE.year < monday.year < MAX_DATE.year else None


def query_week(request: HttpRequest, name: str, *, default: date, params: Any = None) -> date:
    """The Monday of the ISO week in the query string (or `params`, e.g. a posted form's "back to
    week"), or `default`; a week that is not one is ignored with a message."""
    text = (request.GET if params is None else params).get(name, "")
    if not text:
        return default
    monday = parse_iso_week(text)
    if monday is None:
        _ignored(request, f"Veckan i adressen gick inte att använda. Visar v. {default.isocalendar().week} i stället.")
        return default
    return monday


def render_page_or_partial(
    request: HtmxHttpRequest, page: str, partial: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """The one place that decides "is this a partial request": htmx gets `page#partial`, a plain
    request the whole page (every page works without JavaScript)."""
    response = render(request, f"{page}#{partial}" if request.htmx else page, context, status=status)
    patch_vary_headers(response, ["HX-Request"])  # a cache must not serve the fragment as the page
    return response


class HtmxLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's login-by-default, but an htmx request whose session has ended (a polled row, an
    autosave, a filter) is sent to the login page as a whole page (HX-Redirect), instead of htmx
    swapping the login form into the fragment it asked for; after logging in the user comes back to
    the page they were on (HX-Current-URL, this site's only), not to the fragment's address."""

    def handle_no_permission(  # type: ignore[override]  # htmx gets a 204 with HX-Redirect, not a redirect
        self, request: HttpRequest, view_func: Any
    ) -> HttpResponse:
        htmx = getattr(request, "htmx", None)
        if not htmx and request.method == "POST":
            # A form sent after the session ended: keep what was typed, and after logging in bring
            # the same person back to it (ist/login/stash.py).
            from ist.login.stash import keep_post

            if keep_post(request):
                messages.info(
                    request,
                    "Du hann bli utloggad. Det du skrev är sparat – logga in igen så kommer du tillbaka till det.",
                )
                return redirect_to_login(
                    reverse("signin:restore"),
                    resolve_url(self.get_login_url(view_func)),
                    self.get_redirect_field_name(view_func),
                )
        if not htmx:
            return super().handle_no_permission(request, view_func)
        page = htmx.current_url_abs_path or request.get_full_path()
        login = redirect_to_login(
            page, resolve_url(self.get_login_url(view_func)), self.get_redirect_field_name(view_func)
        )
        return HttpResponse(status=204, headers={"HX-Redirect": login["Location"]})


class QueryStringGuardMiddleware:
    """A NUL character in the query string is refused with 400 before any view sees it.

    Forms refuse NUL beside the field (Django's CharField), but a view that reads a parameter
    itself (a team slug, a filter) would hand it to PostgreSQL, which cannot store or compare it,
    and answer 500. One check here covers every such parameter, present and future."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            raise BadRequest("Adressen innehåller ett otillåtet tecken.")
        return self.get_response(request)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: the site's page in Swedish (Django's default has neither layout nor language)."""
    reason = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"reason": reason}, status=400)
