"""The statistics page: a period and teams in, every figure group out, each as a table with a chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.http import AuthenticatedHttpRequest
from reports import charts, presentation, scope, suppression
from reports.forms import StatisticsFilterForm
from reports.statistics import all_sections

if TYPE_CHECKING:
    from django.http import HttpResponse

PAGE = "reports/statistics.html"


def filtered(request: AuthenticatedHttpRequest) -> tuple[StatisticsFilterForm, bool]:
    """The filter form bound to the query string and whether it holds a usable choice."""
    teams = scope.statistics_teams(request.user)
    form = StatisticsFilterForm(request.GET, teams=teams, today=timezone.localdate())
    return form, form.is_valid()


@require_safe
def statistics(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Statistik. Constant queries: the teams, the filter's chosen teams, one aggregate per figure group."""
    form, valid = filtered(request)
    context: dict[str, object] = {"form": form}
    if valid:
        teams = form.chosen_teams()
        team_ids = [team.pk for team in teams]
        suppress = not scope.sees_counts_as_counted(request.user, team_ids)
        sections = presentation.show(all_sections(teams.filter(pk__in=team_ids), form.period()), suppress=suppress)
        for section in sections:
            for shown in section.tables:
                shown.chart = charts.bar_chart(shown)
        context.update(
            sections=sections,
            suppressed=suppress,
            limit=suppression.threshold(),
            chosen=teams,
            period=form.period(),
            query=request.GET.urlencode(),
        )
    return render(request, PAGE, context)


urlpatterns = [path("statistik/", statistics, name="statistics")]
