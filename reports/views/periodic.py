"""Quarterly and half-year reports to download, for all the user's teams or one of them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, register_converter
from django.utils import timezone

from reports import periodic, scope, suppression
from reports.views.exports import XLSX

if TYPE_CHECKING:
    from django.http import HttpRequest

PAGE = "reports/periodic.html"


class LabelConverter:
    regex = r"\d{4}[QH][1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LabelConverter, "label")


def recent_labels(today: date) -> dict[str, list[str]]:
    """The four last finished quarters and the two last finished half-years, newest first."""
    quarters, year, q = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(4):
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        quarters.append(f"{year}Q{q}")
    halves, year, h = [], today.year, 1 if today.month <= 6 else 2
    for _ in range(2):
        year, h = (year, h - 1) if h > 1 else (year - 1, 2)
        halves.append(f"{year}H{h}")
    return {"quarterly": quarters, "halfyear": halves}


def reports(request: HttpRequest) -> HttpResponse:
    """Rapporter: links to the latest periods' reports, all teams and per team."""
    teams = list(scope.statistics_teams(request.user))
    labels = recent_labels(timezone.localdate())
    kinds = [(kind, title, labels[kind]) for kind, title in periodic.KINDS.items()]
    return render(request, PAGE, {"teams": teams, "kinds": kinds, "limit": suppression.threshold()})


def download(request: HttpRequest, kind: str, label: str, fmt: str) -> HttpResponse:
    """One report as PDF or XLSX; ?team=slug for one team (another team's is a 404)."""
    teams = scope.statistics_teams(request.user)
    slug = request.GET.get("team", "")
    name = periodic.ALL if request.user.is_administrator or request.user.is_steering_group else None
    if slug:
        teams = teams.filter(slug=slug)
        team = teams.first()
        if team is None:
            raise Http404
        name = team.name
    try:
        report = periodic.build(kind, label, teams, scope=name or ", ".join(t.name for t in teams))
    except ValueError as exc:
        raise Http404 from exc
    if fmt == "pdf":
        response = HttpResponse(periodic.pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(periodic.xlsx(report), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{report.filename}.{fmt}"'
    return response


urlpatterns = [
    path("rapporter/", reports, name="reports"),
    path("rapporter/<str:kind>/<label:label>.pdf", download, {"fmt": "pdf"}, name="report_pdf"),
    path("rapporter/<str:kind>/<label:label>.xlsx", download, {"fmt": "xlsx"}, name="report_xlsx"),
]
