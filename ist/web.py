"""Small request helpers every view module shares."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers


def form_token(request: HttpRequest) -> uuid.UUID:
    """The creation form's idempotency key: the posted one, or a fresh one for a new form.

    Services create at most one row per token, so a double click creates one."""
    try:
        return uuid.UUID(request.POST.get("form_token", ""))
    except ValueError:
        return uuid.uuid4()


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict[str, Any], status: int = 200
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

    def handle_no_permission(self, request: HttpRequest, view_func: Any) -> HttpResponse:
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
