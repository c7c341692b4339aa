"""Exports of the statistics: CSV of the aggregates, always with small counts hidden (they leave the team)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_safe

from ist.http import AuthenticatedHttpRequest
from reports import exports, presentation
from reports.statistics import Period, with_previous
from reports.views.statistics import PAGE, filtered

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from reports.presentation import ShownSection
    from teams.models import Team


def compared_sections(teams: QuerySet[Team], period: Period) -> tuple[list[ShownSection], Period]:
    """The period's figures, suppressed, each beside the previous period's of the same length
    (suppressed the same way, as on the page) and that previous period."""
    now, then, before = with_previous(teams, period)  # one query per figure group for both periods
    sections = presentation.show(now, suppress=True)
    presentation.compare(sections, presentation.show(then, suppress=True))
    return sections, before


@require_safe
def statistics_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The statistics page's figures as CSV (semicolon-separated, UTF-8 with BOM for Excel), suppressed."""
    form, valid = filtered(request)
    if not valid:
        return render(request, PAGE, {"form": form}, status=400)
    period = form.period()
    sections, before = compared_sections(form.chosen_teams(), period)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ist-statistik-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"'
    )
    teams = [t.name for t in form.chosen_teams()]
    exports.write_csv(response, sections, period=period, teams=teams, previous=before)
    return response


@require_safe
def statistics_xlsx(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The same figures as an XLSX workbook, suppressed."""
    form, valid = filtered(request)
    if not valid:
        return render(request, PAGE, {"form": form}, status=400)
    period = form.period()
    teams = [t.name for t in form.chosen_teams()]
    sections, before = compared_sections(form.chosen_teams(), period)
    meta = [("Period", str(period)), (exports.PREVIOUS, str(before)), ("Team", ", ".join(teams))]
    content = exports.workbook(sections, title="IST statistik", meta=meta)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="ist-statistik-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"'
    )
    return response


urlpatterns = [
    path("statistik/export.csv", statistics_csv, name="statistics_csv"),
    path("statistik/export.xlsx", statistics_xlsx, name="statistics_xlsx"),
]
