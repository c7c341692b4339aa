"""The people behind a figure: a coordinator follows a count on the statistics page to its list.

Only for a coordinator of every chosen team (the figures they see as counted); everyone else,
the steering group and administrators included, gets a 404: the list shows people, and they see
aggregates only. Every listed enrolment is logged as read (ist/audit/recording.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.audit.recording import record_access
from ist.http import AuthenticatedHttpRequest
from reports import drilldown
from reports.dashboard import DOCUMENTS_SOON_DAYS
from reports.forms import StatisticsFilterForm
from reports.statistics import entry_exit
from teams.access import team_ids_where
from teams.models import Team

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

    from reports.statistics import Period

PAGE = "reports/figure_people.html"
PAGE_SIZE = 50
TITLES = {
    "finsam": "Uppföljning Finsam",
    "municipality": "Deltagare per hemkommun",
    "age": "Deltagare per åldersgrupp",
    "volume": "Inskrivningar",
    "activities": "Aktiviteter",
    "phases": "Faser: påbörjade och avslutade",
    "closures": "Avslut per orsak",
    "follow_ups": "Uppföljning efter avslut",
    "entry_exit_support": "Försörjning vid start och avslut",
    "entry_exit_occupation": "Sysselsättning vid start och avslut",
    "phase_now": "Översikt: inskrivna deltagare per fas i dag",
    "caseload": "Översikt: handledarens pågående deltagare",
    "referrals": "Remisser som kommit in",
    "decisions": "Beslut om remisser",
    "info_meetings": "Informationsmöten",
    drilldown.DOCUMENTS: "Översikt: handlingsplaner och återrapporter",
}
REFERRALS_PAGE = "reports/figure_referrals.html"


def _column(text: str) -> int | None:
    if text == "":
        return None
    if not text.isdigit():
        raise Http404
    return int(text)


@require_safe
def figure_people(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Four queries whatever the list's length: the teams (form), the page of enrolments with their
    people, teams and handledare, the access log, and for the cross tables their columns."""
    user = request.user
    own = team_ids_where(user, action="manage")
    if getattr(user, "is_steering_group", False) or not own:
        raise Http404  # aggregates only: never a list of people
    teams = Team.objects.filter(pk__in=own).order_by("name")
    form = StatisticsFilterForm(request.GET, teams=teams, today=timezone.localdate())
    if not form.is_valid():
        raise Http404  # a team the user does not coordinate is not a valid choice
    table = request.GET.get("tabell", "")
    if table not in drilldown.LINKED:
        raise Http404
    teams = form.chosen_teams()
    period = form.period()
    row = request.GET.get("rad")
    column = _column(request.GET.get("kolumn", ""))
    figure = drilldown.Figure(table, row, column)
    if table in drilldown.REFERRAL_TABLES:
        return _figure_referrals(request, teams=teams, period=period, figure=figure)
    columns = None
    if table in drilldown.CROSS_TABLES:
        columns = [str(c) for c in entry_exit(teams, period, what=table.removeprefix("entry_exit_")).columns]
    try:
        if table == drilldown.DOCUMENTS:  # due today or soon: no period
            today = timezone.localdate()
            soon = today + timedelta(days=DOCUMENTS_SOON_DAYS)
            enrollments = drilldown.due_documents(teams, figure, today=today, soon=soon)
        else:
            enrollments = drilldown.people(teams, period, figure, columns=columns)
    except drilldown.UnknownFigureError:
        raise Http404 from None
    rows, paging = _page_by_key(
        request, enrollments.select_related("participant", "team", "responsible", "closure"), what=table
    )
    heading = TITLES[table]
    parts = [p for p in (row, columns[column] if columns and column is not None else None) if p]
    if column is not None and not columns:
        parts.append(drilldown.column_label(table, column))
    if table == "caseload":  # the row is the handledare's id: name them instead
        parts = [rows[0].responsible.get_full_name()] if rows else []
    if table == drilldown.DOCUMENTS and row is not None and column is not None:
        parts = [drilldown.DOCUMENT_ROWS[row], drilldown.DOCUMENT_COLUMNS[column].lower()]
    context = {
        "rows": rows,
        "heading": heading,
        "figure": ", ".join(map(str, parts)) or "summa",
        "period": period,
        "chosen": list(teams),
        **paging,
    }
    return render(request, PAGE, context)


def _figure_referrals(
    request: HttpRequest, *, teams: QuerySet[Team], period: Period, figure: drilldown.Figure
) -> HttpResponse:
    """The referrals behind a way-in figure (one query for the page, one for the access log), paged by key."""
    try:
        referrals = drilldown.referrals(teams, period, figure)
    except drilldown.UnknownFigureError:
        raise Http404 from None
    rows, paging = _page_by_key(request, referrals.select_related("team", "referrer_organisation"), what=figure.table)
    context = {
        "rows": rows,
        "heading": TITLES[figure.table],
        "figure": figure.row or "summa",
        "period": period,
        "chosen": list(teams),
        **paging,
    }
    return render(request, REFERRALS_PAGE, context)


def _page_by_key(request: HttpRequest, rows_of: QuerySet[Any], *, what: str) -> tuple[list[Any], dict[str, Any]]:
    """One page of the list after `?efter=<pk>` (keyset by primary key: one query however deep),
    its reads access-logged, and the links the page template needs (next, back, restart, first)."""
    after = request.GET.get("efter", "")
    if after.isdigit():
        rows_of = rows_of.filter(pk__gt=int(after))
    rows = list(rows_of.order_by("pk")[: PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    record_access(request, rows, what=f"statistikunderlag: {what}")
    query = request.GET.copy()
    query.pop("efter", None)
    back = request.GET.copy()
    for key in ("tabell", "rad", "kolumn", "efter"):
        back.pop(key, None)
    links = {
        "next": f"{query.urlencode()}&efter={rows[-1].pk}" if more and rows else "",
        "back": back.urlencode(),
        "first": bool(after),
        "restart": query.urlencode(),
    }
    return rows, links


urlpatterns = [path("statistik/personer/", figure_people, name="figure_people")]
