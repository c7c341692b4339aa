"""The statistics page: a period and teams in, every figure group out, each as a table with a chart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.http import AuthenticatedHttpRequest
from reports import charts, drilldown, presentation, scope, suppression
from reports.forms import StatisticsFilterForm
from reports.statistics import with_previous

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
        chosen = teams.filter(pk__in=team_ids)
        now, then, before = with_previous(chosen, form.period())  # one query per figure group for both
        sections = presentation.show(now, suppress=suppress)
        presentation.compare(sections, presentation.show(then, suppress=suppress))
        for section in sections:
            for shown in section.tables:
                shown.chart = charts.bar_chart(shown)
        if not suppress and not getattr(request.user, "is_steering_group", False):
            # A coordinator's own figures link to the people behind them (never the steering group's).
            drilldown.add_links(sections, base=_period_and_teams(form))
        context.update(
            sections=sections,
            suppressed=suppress,
            limit=suppression.threshold(),
            chosen=teams,
            period=form.period(),
            previous=before,
            query=request.GET.urlencode(),
        )
    return render(request, PAGE, context)


def _period_and_teams(form: StatisticsFilterForm) -> str:
    from django.utils.http import urlencode

    period = form.period()
    pairs = [("fran", period.start.isoformat()), ("till", period.end.isoformat())]
    pairs += [("team", str(team.pk)) for team in form.cleaned_data["team"]]
    return urlencode(pairs)


urlpatterns = [path("statistik/", statistics, name="statistics")]
