"""Översikt: the coordinator's dashboard for one of their teams or all of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.http import AuthenticatedHttpRequest
from reports.dashboard import panels
from teams.access import team_ids_where
from teams.models import Team

if TYPE_CHECKING:
    from django.http import HttpResponse

PAGE = "reports/dashboard.html"


@require_safe
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Constant queries (see reports.dashboard.panels). ?team=slug narrows to one team; another team is a 404."""
    teams = Team.objects.filter(pk__in=team_ids_where(request.user, action="manage")).order_by("name")
    all_teams = list(teams)
    if not all_teams:
        raise PermissionDenied("Översikten är till för teamkoordinatorer.")
    chosen = all_teams
    slug = request.GET.get("team", "")
    if slug:
        chosen = [team for team in all_teams if team.slug == slug]
        if not chosen:
            raise Http404
    result = panels(Team.objects.filter(pk__in=[t.pk for t in chosen]).order_by("name"), today=timezone.localdate())
    return render(request, PAGE, {"panels": result, "teams": all_teams, "slug": slug, "today": timezone.localdate()})


urlpatterns = [path("oversikt/", dashboard, name="dashboard")]
