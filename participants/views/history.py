"""The participant page's full activity history (issue 19.5): every activity of the enrolment,
newest first, filtered by kind and period, a page at a time. IST staff of the team only."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from ist.audit.recording import get_visible_or_404
from ist.http import AuthenticatedHttpRequest
from participants import selectors
from participants.forms import ActivityHistoryFilter

if TYPE_CHECKING:
    from django.http import HttpResponse

HISTORY = "participants/history/activities.html"
PAGE_SIZE = 50


@require_safe
def activities(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Every activity of the enrolment; the referrer's read-only view does not include activities."""
    enrollment = get_visible_or_404(
        request, selectors.enrollments_for(request.user, "view"), what="aktivitetshistorik", pk=enrollment_pk
    )
    if not selectors.is_staff_for(request.user, enrollment):
        raise PermissionDenied("Aktiviteterna är IST-personalens arbetsanteckningar.")
    kinds = selectors.activity_kinds()
    form = ActivityHistoryFilter(request.GET or None, kinds=kinds)
    chosen = form.cleaned_data if form.is_valid() else {}
    rows = selectors.activity_history(
        enrollment, kind=chosen.get("kind") or "", start=chosen.get("start"), end=chosen.get("end")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("sida"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "sida" and v})
    context = {
        "enrollment": enrollment,
        "participant": enrollment.participant,
        "form": form,
        "page": page,
        "query": query,
        "filtered": bool(chosen.get("kind") or chosen.get("start") or chosen.get("end")),
    }
    return render(request, HISTORY, context)


urlpatterns = [
    path("<int:enrollment_pk>/aktiviteter/", activities, name="activities"),
]
