from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ist.home.selectors import start_page_for
from ist.http import AuthenticatedHttpRequest


@require_safe
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The start page, made of one section per role the user holds."""
    return render(request, "home/start.html", {"page": start_page_for(request.user)})
