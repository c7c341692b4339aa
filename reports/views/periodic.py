"""Rapporter: the quarterly and half-year reports of the latest periods, for each of the user's teams
and all of them. A report is built by the worker (reports.services) and served from storage; the
page asks for a build, shows it being made (htmx polls the row) and offers a rebuild."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, register_converter, reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from ist.http import AuthenticatedHttpRequest
from ist.pdf.storage import read_verified
from reports import periodic, scope, services, suppression
from reports.models import ReportFile
from reports.views.exports import XLSX
from teams.models import Team

if TYPE_CHECKING:
    from teams.models import User

PAGE = "reports/periodic.html"
ROW = "reports/periodic.html#row"
NOT_READY = "reports/report_not_ready.html"
TAMPERED = "reports/report_tampered.html"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": XLSX}
POLL_FOR = timedelta(minutes=10)

security_log = logging.getLogger("ist.security")


class LabelConverter:
    regex = r"\d{4}[QH][1-4]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LabelConverter, "label")


@dataclass
class Row:
    """One report on the page: a kind, a period and the teams it covers (slug "" for all of them)."""

    kind: str
    label: str
    slug: str
    scope: str
    teams: list[Team]
    report: ReportFile | None

    @property
    def html_id(self) -> str:
        return f"rapport-{self.kind}-{self.label}-{self.slug or 'alla'}"

    @property
    def query(self) -> str:
        return f"?team={self.slug}" if self.slug else ""

    @property
    def polls(self) -> bool:
        """htmx asks again every few seconds while the build is under way, for a while: a build that
        takes longer is left to a reload (and the session's idle timeout still applies)."""
        report = self.report
        return bool(report and report.is_pending and report.queued_at > timezone.now() - POLL_FOR)


def _scopes(user: User) -> list[tuple[str, str, list[Team]]]:
    """(slug, shown name, teams): all the user's teams when there are several (the report most often
    asked for), then each team."""
    teams = list(scope.statistics_teams(user))
    result = [(t.slug, t.name, [t]) for t in teams]
    if len(teams) > 1:
        mine = not (user.is_administrator or user.is_steering_group)
        result.insert(0, ("", "Alla dina team" if mine else periodic.ALL, teams))
    return result


def _scope(user: User, slug: str) -> tuple[str, str, list[Team]]:
    """?team=slug among the user's scopes ("" is all their teams, or their one team); else a 404."""
    scopes = _scopes(user)
    if not slug and len(scopes) == 1:
        return scopes[0]
    for each in scopes:
        if each[0] == slug:
            return each
    raise Http404


def _rows(wanted: list[tuple[str, str]], scopes: list[tuple[str, str, list[Team]]]) -> list[Row]:
    """A row per (kind, label) and scope, with its stored report if there is one. One query."""
    keys = {services.teams_key(teams): (slug, name, teams) for slug, name, teams in scopes}
    stored = {
        (r.kind, r.label, r.teams_key): r
        for r in ReportFile.objects.filter(
            kind__in={k for k, _l in wanted}, label__in={lab for _k, lab in wanted}, teams_key__in=keys
        )
    }
    return [
        Row(kind, label, slug, name, teams, stored.get((kind, label, key)))
        for kind, label in wanted
        for key, (slug, name, teams) in keys.items()
    ]


def _row_or_404(request: AuthenticatedHttpRequest, kind: str, label: str, slug: str) -> Row:
    try:
        periodic.parse(kind, label)
    except ValueError as exc:  # an unknown kind, or a period that does not fit it ("halfyear/2026Q3")
        raise Http404 from exc
    (row,) = _rows([(kind, label)], [_scope(request.user, slug)])
    return row


@require_GET
def reports(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page: per kind, the latest periods' reports for each scope; the teams and the stored reports
    are one query each, whatever is stored."""
    labels = services.recent_labels(timezone.localdate())
    rows = _rows([(kind, label) for kind in periodic.KINDS for label in labels[kind]], _scopes(request.user))
    kinds = [(kind, title, [row for row in rows if row.kind == kind]) for kind, title in periodic.KINDS.items()]
    context = {"kinds": kinds, "limit": suppression.threshold(), "build_after": settings.IST_REPORT_BUILD_AFTER_DAYS}
    return render(request, PAGE, context)


@require_GET
def report_row(request: AuthenticatedHttpRequest, kind: str, label: str) -> HttpResponse:
    """One row of the page, which htmx polls while the report is being built; a plain request gets the page."""
    row = _row_or_404(request, kind, label, request.GET.get("team", ""))
    if not request.htmx:
        return redirect(reverse("reports:reports") + f"#{row.html_id}")
    response = render(request, ROW, {"row": row})
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_POST
def report_request(request: AuthenticatedHttpRequest, kind: str, label: str) -> HttpResponse:
    """Build (or rebuild, with the generation the form showed) a report; the row comes back for htmx."""
    row = _row_or_404(request, kind, label, request.POST.get("team", ""))
    try:
        seen = int(request.POST["generation"]) if request.POST.get("generation") else None
        row.report = services.report_request(
            kind=kind, label=label, teams=row.teams, by=request.user, seen_generation=seen
        )
    except ValueError as exc:  # a period that has not ended, or a generation that is no number
        raise Http404 from exc
    if request.htmx:
        return render(request, ROW, {"row": row})
    if row.report.is_pending:
        messages.success(request, "Rapporten skapas. Den brukar vara klar inom någon minut.")
    else:  # someone else built it after this form was opened
        messages.info(request, "Rapporten är redan skapad. Ladda ned den, eller välj ”Skapa på nytt”.")
    return redirect(reverse("reports:reports") + f"#{row.html_id}")


@never_cache
@require_GET
def download(request: AuthenticatedHttpRequest, kind: str, label: str, fmt: str) -> HttpResponse:
    """The stored PDF or XLSX, ?team=slug for one team (another team's is a 404). Never built here:
    a report not built yet answers 409 with a link to the page that builds it."""
    row = _row_or_404(request, kind, label, request.GET.get("team", ""))
    report = row.report
    if report is None or not report.has_files:
        return render(request, NOT_READY, {"row": row}, status=409)
    field, digest = (report.pdf, report.pdf_sha256) if fmt == "pdf" else (report.xlsx, report.xlsx_sha256)
    try:
        # Read once (well under a megabyte), checked and served from memory (ist/pdf/storage.py).
        content = read_verified(field, digest)
    except FileNotFoundError:  # a rebuild replaced it between reading the row and opening the file
        return render(request, NOT_READY, {"row": row}, status=409)
    # The steering group must get the bytes that were built and recorded, not a file changed since.
    if content is None:
        security_log.error("report %s: stored %s does not match its SHA-256; not served", report.pk, fmt)
        return render(request, TAMPERED, {"row": row}, status=500)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    # Named after the row as the user sees it ("Alla dina team" keeps its own name if the teams change).
    name = periodic.filename(row.kind, row.label, row.scope)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


urlpatterns = [
    path("rapporter/", reports, name="reports"),
    path("rapporter/<str:kind>/<label:label>/rad/", report_row, name="report_row"),
    path("rapporter/<str:kind>/<label:label>/skapa/", report_request, name="report_request"),
    path("rapporter/<str:kind>/<label:label>.pdf", download, {"fmt": "pdf"}, name="report_pdf"),
    path("rapporter/<str:kind>/<label:label>.xlsx", download, {"fmt": "xlsx"}, name="report_xlsx"),
]
