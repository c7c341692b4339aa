"""Floor views for bench/national.py: the same middleware as the real pages, the page's one essential
query, a trivial template. A page's ratio to its floor is what the page costs beyond the data it
cannot do without. Mounted only by the benchmark (bench.floor_urls), never by the application."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.template import engines
from django.utils import timezone

from ist.audit.selectors import filter_log, log_entries_for
from ist.http import AuthenticatedHttpRequest
from participants.documents.models import Document
from participants.models import Activity, Enrollment
from referrals.models import Referral
from teams.access import team_ids_where

TEMPLATE = engines["django"].from_string(
    "<!doctype html><title>golv</title>{% for r in rows %}<p>{{ r }}</p>{% endfor %}"
)
OPEN = ["submitted", "needs_info", "on_agenda", "accepted", "ready"]


def _triage(request: AuthenticatedHttpRequest) -> list[Any]:
    teams = team_ids_where(request.user, action="manage")
    return list(Referral.objects.filter(team__in=teams, status__in=OPEN).values_list("pk", "received_on", "status"))


def _week(request: AuthenticatedHttpRequest) -> list[Any]:
    user = request.user
    return list(
        Enrollment.objects.filter(Q(responsible=user) | Q(second_contact=user), status="active").values_list(
            "pk", "participant__first_name", "participant__last_name"
        )
    )


def _participant(request: AuthenticatedHttpRequest) -> list[Any]:
    return list(Enrollment.objects.filter(pk=request.GET["pk"]).values_list("pk", "participant__last_name"))


def _log(request: AuthenticatedHttpRequest) -> list[Any]:
    return list(log_entries_for(request.user).values_list("timestamp", "object_repr")[:50])


def _log_person(request: AuthenticatedHttpRequest) -> list[Any]:
    entries = filter_log(log_entries_for(request.user), people=[request.GET["person"]])
    return list(entries.values_list("timestamp", "object_repr")[:50])


def _extract(request: AuthenticatedHttpRequest) -> list[Any]:
    entries = filter_log(log_entries_for(request.user), people=[request.GET["person"]])
    return list(entries.order_by("timestamp", "pk").values_list("timestamp", "object_repr"))


def _inbox(request: AuthenticatedHttpRequest) -> list[Any]:
    # By label: the package is ist.reminders here and ist.reminders on main (label unchanged).
    notification = apps.get_model("notifications", "Notification")
    return list(notification.objects.filter(recipient=request.user).values_list("pk", "title")[:100])


def _dashboard(request: AuthenticatedHttpRequest) -> list[Any]:
    teams = team_ids_where(request.user, action="manage")
    return list(
        Enrollment.objects.filter(team__in=teams, status="active").values("team").annotate(n=Count("pk")).values_list()
    )


def _statistics(request: AuthenticatedHttpRequest) -> list[Any]:
    today = timezone.localdate()
    return list(
        Activity.objects.filter(date__gt=today - timedelta(days=365), date__lte=today)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )


def _document(request: AuthenticatedHttpRequest) -> list[Any]:
    return list(Document.objects.filter(public_id=request.GET["id"]).values_list("pk", "pdf"))


FLOORS: dict[str, Callable[[AuthenticatedHttpRequest], list[Any]]] = {
    "triage": _triage,
    "week": _week,
    "participant": _participant,
    "log": _log,
    "log_person": _log_person,
    "extract": _extract,
    "inbox": _inbox,
    "dashboard": _dashboard,
    "statistics": _statistics,
    "document": _document,
}


def floor(request: AuthenticatedHttpRequest, name: str) -> HttpResponse:
    if name not in FLOORS:
        raise Http404
    return HttpResponse(TEMPLATE.render({"rows": FLOORS[name](request)}, request))
