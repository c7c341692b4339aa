"""Min vecka: the handledare's week grid, logging and correcting activities, and group sessions.

Who may do what here: IST staff (koordinator, handledare) open Min vecka; everyone else gets the
403 page. Logging or correcting an activity needs the change scope of the enrolment (coordinators
of the team; the responsible handledare or second contact): a colleague who may only read gets a
403, someone who may not see the enrolment a 404 (and the attempt is logged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.audit.recording import get_allowed_or_403, get_visible_or_404, record_access
from ist.http import AuthenticatedHttpRequest
from ist.web import form_token, query_date, query_week, render_page_or_partial, whole_number
from participants import rules, selectors, services
from participants.forms import ActivityForm, GroupSessionForm
from participants.models import Activity, ActivityKind, Attendance, Enrollment, new_form_token
from teams.access import teams_where

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from django_stubs_ext import StrOrPromise

    from teams.models import Team, User

WEEK = "participants/week/week.html"
LOG = "participants/week/log.html"
ACTIVITY = "participants/week/activity.html"
SAVED = "participants/week/saved.html"
GROUP = "participants/week/group.html"
STALE_MESSAGE = (
    "Någon annan har sparat ändringar medan du skrev. Dina uppgifter är kvar nedan; kontrollera och spara igen."
)
NOT_IN_GROUP = ""
GROUP_CHOICES: list[tuple[str, StrOrPromise]] = [*Attendance.choices, (NOT_IN_GROUP, "Inte med i gruppen")]


# -- Helpers --------------------------------------------------------------------------------


def _staff_teams(user: User, action: str = "view") -> QuerySet[Team]:
    teams = teams_where(user, action=action)
    if not teams.exists():
        raise PermissionDenied("Min vecka är till för teamens handledare och koordinatorer.")
    return teams


def _changeable(request: AuthenticatedHttpRequest, pk: int, what: str) -> Enrollment:
    """The enrolment if the user may change it (read logged); 403 if they may only see it; 404 otherwise."""
    return get_allowed_or_403(
        request,
        selectors.enrollments_for(request.user, "change"),
        selectors.enrollments_for(request.user),
        what=what,
        refusal="Bara deltagarens handledare och teamets koordinator loggar aktiviteter.",
        pk=pk,
    )


def _activities_for(user: User) -> QuerySet[Activity]:
    """Activities of the enrolments the user sees as IST staff (the referrer's read-only view excluded)."""
    staff = selectors.enrollments_for(user).filter(team__in=teams_where(user, action="view"))
    return Activity.objects.filter(enrollment__in=staff).select_related(
        "enrollment__participant", "enrollment__team", "group_session"
    )


@dataclass(frozen=True)
class Back:
    """Which Min vecka the user came from: the week shown and, for a coordinator, whose week."""

    monday: date
    handledare: str = ""

    @property
    def week(self) -> str:
        return rules.week_param(self.monday)

    @property
    def query(self) -> str:
        return urlencode({"vecka": self.week, **({"handledare": self.handledare} if self.handledare else {})})

    @property
    def url(self) -> str:
        return f"{reverse('participants:week')}?{self.query}"


def _back(request: AuthenticatedHttpRequest, default: date) -> Back:
    params = request.POST if request.method == "POST" else request.GET
    monday = query_week(request, "vecka", default=rules.week_start(default), params=params)
    handledare = params.get("handledare", "")
    return Back(monday, handledare if whole_number(handledare) is not None else "")


@dataclass(frozen=True)
class GridCell:
    kind: str
    label: StrOrPromise
    cell: rules.Cell
    activities: list[Activity]

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.cell.status]


@dataclass(frozen=True)
class GridRow:
    row: selectors.WeekRow
    cells: list[GridCell]


def _grid(rows: list[selectors.WeekRow]) -> list[GridRow]:
    """The selector's rows shaped for the table: one cell per activity kind, in the kinds' order."""
    return [
        GridRow(
            row,
            [
                GridCell(kind, label, row.cells[kind], [a for a in row.activities if a.kind == kind])
                for kind, label in ActivityKind.choices
            ],
        )
        for row in rows
    ]


def _row_context(monday: date, today: date, back: Back) -> dict[str, Any]:
    """What each row's links need: the week shown, the date a new activity gets, where to come back."""
    return {
        "monday": monday,
        "log_day": min(today, monday + timedelta(days=6)),
        "may_log": monday <= today,
        "back_query": back.query,
    }


def _whose_week(request: AuthenticatedHttpRequest) -> tuple[User, list[User]]:
    """The handledare whose week is shown (a coordinator may pick one of their teams') and the choice."""
    user = request.user
    managed = list(teams_where(user, action="manage"))
    choices: dict[int, User] = {}
    for team in managed:
        choices.update({h.pk: h for h in selectors.handledare_of(team.pk)})
    wanted = request.GET.get("handledare", "")
    if not wanted or wanted == str(user.pk):
        return user, list(choices.values())
    chosen = whole_number(wanted)
    if chosen is None or chosen not in choices:
        raise Http404
    return choices[chosen], list(choices.values())


def _week_enrollments(request: AuthenticatedHttpRequest, handledare: User) -> QuerySet[Enrollment]:
    enrollments = selectors.my_week_enrollments(handledare)
    if handledare.pk != request.user.pk:  # a coordinator looking at a colleague: within their own scope too
        enrollments = enrollments.filter(pk__in=selectors.enrollments_for(request.user, "manage").values("pk"))
    return enrollments


def _saved(request: AuthenticatedHttpRequest, enrollment: Enrollment, back: Back, notice: str) -> HttpResponse:
    """After a change: htmx gets the message and the enrolment's row (out of band); others Min vecka."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect(back.url)
    today = timezone.localdate()
    rows = selectors.week_of(selectors.enrollments_for(request.user, "change").filter(pk=enrollment.pk), back.monday)
    record_access(request, [row.enrollment for row in rows], what="min vecka")
    context = {"notice": notice, "grid": _grid(rows), **_row_context(back.monday, today, back)}
    return render(request, SAVED, context)


def _genitive(name: str) -> str:
    """Swedish genitive: "Hanna Handledares", but "Hans" stays "Hans"."""
    return name if name[-1:].lower() in {"s", "x", "z"} else f"{name}s"


# -- Min vecka --------------------------------------------------------------------------------


@require_safe
def week(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The week's grid: one row per own active participant, one cell per activity kind. htmx: the grid."""
    _staff_teams(request.user)
    handledare, choices = _whose_week(request)
    today = timezone.localdate()
    monday = query_week(request, "vecka", default=rules.week_start(today))
    back = Back(monday, str(handledare.pk) if handledare.pk != request.user.pk else "")
    rows = selectors.week_of(_week_enrollments(request, handledare), monday)
    record_access(request, [row.enrollment for row in rows], what="min vecka")
    previous, following = monday - timedelta(weeks=1), monday + timedelta(weeks=1)
    context = {
        "grid": _grid(rows),
        "kinds": ActivityKind.choices,
        "label": rules.week_label(monday),
        "week": rules.week_param(monday),
        "sunday": monday + timedelta(days=6),
        "handledare": handledare,
        "own": handledare.pk == request.user.pk,
        "whose": _genitive(handledare.get_full_name()),
        "choices": choices,
        "is_current": monday == rules.week_start(today),
        "previous": Back(previous, back.handledare),
        "following": Back(following, back.handledare),
        "current": Back(rules.week_start(today), back.handledare),
        "previous_label": rules.week_label(previous),
        "following_label": rules.week_label(following),
        "status_labels": rules.STATUS_LABELS,
        **_row_context(monday, today, back),
    }
    return render_page_or_partial(request, WEEK, "grid", context)


# -- One activity -------------------------------------------------------------------------------


def _activity_data(form: ActivityForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in ("kind", "date", "attendance", "duration_minutes", "note")}


def log(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Log one activity (?typ=<kind>&datum=YYYY-MM-DD prefill). htmx: the small form, then the row."""
    enrollment = _changeable(request, enrollment_pk, what="logga aktivitet")
    today = timezone.localdate()
    back = _back(request, today)
    initial: dict[str, Any] = {"date": today}
    if request.GET.get("typ") in ActivityKind.values:
        initial["kind"] = request.GET["typ"]
    initial["date"] = query_date(request, "datum", default=today)
    form = ActivityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = _activity_data(form)
        try:
            activity = services.activity_log(
                enrollment=enrollment,
                kind=data["kind"],
                day=data["date"],
                attendance=data["attendance"],
                duration_minutes=data["duration_minutes"],
                note=data["note"],
                by=request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except services.InvalidActivity as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            notice = f"Sparat: {activity.get_kind_display()} {activity.date:%Y-%m-%d} för {enrollment.participant}."
            return _saved(request, enrollment, back, notice)
    heading = f"Ny aktivitet för {enrollment.participant}"
    context = {"enrollment": enrollment, "form": form, "back": back, "action": request.path, "heading": heading}
    return render_page_or_partial(request, LOG, "form", context)


def activity(request: AuthenticatedHttpRequest, activity_pk: int) -> HttpResponse:
    """Correct an earlier activity (optimistic lock on its version) or remove one logged by mistake."""
    item = get_visible_or_404(request, _activities_for(request.user), what="aktivitet", pk=activity_pk)
    enrollment = item.enrollment
    may_change = selectors.enrollments_for(request.user, "change").filter(pk=enrollment.pk).exists()
    if request.method == "POST" and not may_change:
        raise PermissionDenied("Bara deltagarens handledare och teamets koordinator rättar aktiviteter.")
    back = _back(request, item.date)
    status = 200
    stale_delete = False
    if request.method == "POST" and "ta_bort" in request.POST:
        version = request.POST.get("version", "")
        try:
            services.activity_delete(activity=item, by=request.user, expected_version=whole_number(version))
        except services.StaleEdit:
            stale_delete = True  # a colleague corrected it meanwhile: show what is saved now
            item.refresh_from_db()
        else:
            return _saved(request, enrollment, back, f"Borttagen: {item} för {enrollment.participant}.")
    initial = {"kind": item.kind, "date": item.date, "attendance": item.attendance, "version": item.version}
    initial |= {"duration_minutes": item.duration_minutes, "note": item.note}
    form = ActivityForm(request.POST or None, initial=initial) if may_change else None
    if stale_delete:  # the form shows what is saved now, with why
        form = ActivityForm({**initial, "date": item.date.isoformat()})
        form.is_valid()
        form.add_error(None, STALE_MESSAGE)
        status = 409
    elif form is not None and request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_correct(
                activity=item,
                by=request.user,
                data=_activity_data(form),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except services.StaleEdit:
            current = _activities_for(request.user).filter(pk=item.pk).first()
            if current is None:  # a colleague removed it meanwhile
                raise Http404 from None
            item = current
            data = request.POST.copy()
            data["version"] = str(item.version)  # "save again" then applies to the version now shown
            form = ActivityForm(data, initial=initial)
            form.add_error(None, STALE_MESSAGE)
            status = 409
        except services.InvalidActivity as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            return _saved(request, enrollment, back, f"Rättat: {saved} för {enrollment.participant}.")
    context = {"enrollment": enrollment, "activity": item, "form": form, "back": back, "action": request.path}
    context["heading"] = f"Rätta {item.get_kind_display().lower()} {item.date:%Y-%m-%d} för {enrollment.participant}"
    return render_page_or_partial(request, ACTIVITY, "form", context, status=status)


# -- Group sessions -----------------------------------------------------------------------------


@dataclass
class Attendee:
    enrollment: Enrollment
    name: str
    value: str
    error: str = ""

    @property
    def options(self) -> list[tuple[str, StrOrPromise, bool]]:
        return [(value, label, value == self.value) for value, label in GROUP_CHOICES]


def _attendees(request: AuthenticatedHttpRequest, enrollments: list[Enrollment]) -> list[Attendee]:
    data = request.POST if request.method == "POST" else {}
    valid = {value for value, _ in GROUP_CHOICES}
    rows = []
    for enrollment in enrollments:
        value = data.get(f"narvaro-{enrollment.pk}", NOT_IN_GROUP)
        rows.append(Attendee(enrollment, f"narvaro-{enrollment.pk}", value if value in valid else NOT_IN_GROUP))
    return rows


def group(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A group session with an attendance list of one team's active participants the user may change."""
    teams = list(_staff_teams(request.user, "change"))
    wanted = request.POST.get("team") or request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == wanted), teams[0] if len(teams) == 1 else None)
    if team is None:
        return render(request, GROUP, {"teams": teams, "team": None})
    enrollments = list(
        selectors.enrollments_for(request.user, "change")
        .filter(team=team, status=Enrollment.Status.ACTIVE)
        .order_by("participant__last_name", "participant__first_name")
    )
    record_access(request, enrollments, what="gruppaktivitet")
    attendees = _attendees(request, enrollments)
    form = GroupSessionForm(request.POST or None, initial={"date": timezone.localdate()})
    token = form_token(request) if request.method == "POST" else new_form_token()
    status, attendance_error = 200, ""
    if request.method == "POST" and form.is_valid():
        attendance = {a.enrollment.pk: a.value for a in attendees if a.value != NOT_IN_GROUP}
        data = dict(form.cleaned_data)  # add_error below drops the field from cleaned_data
        if not attendance:
            attendance_error = "Markera närvaro för minst en deltagare."
        else:
            try:
                services.group_session_log(
                    team_id=team.pk,
                    kind=data["kind"],
                    day=data["date"],
                    duration_minutes=data["duration_minutes"],
                    note=data["note"],
                    attendance=attendance,
                    by=request.user,
                    form_token=token,
                )
            except services.InvalidActivity as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                for a in attendees:  # say beside each participant whose enrolment the date falls outside
                    if a.value != NOT_IN_GROUP and a.enrollment.start_date > data["date"]:
                        a.error = f"Inskriven från {a.enrollment.start_date:%Y-%m-%d}."
            except services.NotAllowedNow:
                status, attendance_error = 409, "Någon deltagare går inte längre att logga för. Ladda om sidan."
            else:
                n = len(attendance)
                messages.success(request, f"Gruppaktiviteten är sparad för {n} deltagare.")
                return redirect(Back(rules.week_start(data["date"])).url)
    context = {
        "teams": teams,
        "team": team,
        "form": form,
        "attendees": attendees,
        "attendance_error": attendance_error,
        "form_token": token,
    }
    return render(request, GROUP, context, status=status)


urlpatterns = [
    path("vecka/", week, name="week"),
    path("<int:enrollment_pk>/aktivitet/ny/", log, name="log"),
    path("aktivitet/<int:activity_pk>/", activity, name="activity"),
    path("grupp/ny/", group, name="group"),
]
