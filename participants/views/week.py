"""Min vecka: the handledare's week grid, logging and correcting activities, and group sessions.

Who may do what here: IST staff (koordinator, handledare) open Min vecka; everyone else gets the
403 page. Logging or correcting an activity needs the change scope of the enrolment (coordinators
of the team; the responsible handledare or second contact): a colleague who may only read gets a
403, someone who may not see the enrolment a 404 (and the attempt is logged).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ist.audit.recording import get_allowed_or_403, get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.forms import in_range
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE, rebind
from ist.web import form_token, query_date, query_week, render_page_or_partial, whole_number
from participants import rules, selectors, services, week_rows
from participants.forms import ActivityForm, GroupSessionForm
from participants.inputs import ActivityFields
from participants.models import Activity, ActivityType, Attendance, Enrollment, RequirementCategory, new_form_token
from teams.access import team_ids_where, teams_where

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from django.utils.safestring import SafeString
    from django_stubs_ext import StrOrPromise

    from teams.models import Team, User

WEEK = "participants/week/week.html"
LOG = "participants/week/log.html"
ACTIVITY = "participants/week/activity.html"
SAVED = "participants/week/saved.html"
FORM_ROW = "participants/week/_form_row.html"
GROUP = "participants/week/group.html"
NOT_IN_GROUP = ""
GROUP_CHOICES: list[tuple[str, StrOrPromise]] = [*Attendance.choices, (NOT_IN_GROUP, "Inte med i gruppen")]


# -- Helpers --------------------------------------------------------------------------------


def _staff_teams(user: User, action: str = "view") -> QuerySet[Team]:
    if not team_ids_where(user, action=action):
        raise PermissionDenied("Min vecka är till för teamens handledare och koordinatorer.")
    return teams_where(user, action=action)


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
    staff = selectors.enrollments_for(user).filter(team__in=team_ids_where(user, action="view"))
    return Activity.objects.filter(enrollment__in=staff).select_related(
        "enrollment__participant", "enrollment__team", "group_session", "kind"
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
class Mark:
    activity: selectors.WeekActivity
    url: str  # its correction, with the way back


@dataclass(frozen=True)
class GridCell:
    category: str
    label: str
    cell: rules.Cell
    marks: list[Mark]
    log_url: str  # "" when nothing can be logged this week
    kind: ActivityType | None  # the kind "närvarande, standardlängd" logs; None: no quick log

    @property
    def status_label(self) -> str:
        return rules.STATUS_LABELS[self.cell.status]


@dataclass(frozen=True)
class GridRow:
    row: selectors.WeekRow
    cells: list[GridCell]
    detail_url: str
    quick_url: str

    @property
    def html(self) -> SafeString:
        """The row's `<tr>` (participants/week_rows.py: built in Python for Min vecka's speed)."""
        return week_rows.row_html(self)

    @property
    def oob_html(self) -> SafeString:
        return week_rows.row_html(self, oob=True)


@dataclass(frozen=True)
class Urls:
    """The grid's addresses, reversed once per page and filled in per row (the per-row render
    cost of Min vecka: docs/performance.md)."""

    detail: str
    log: str
    quick: str
    activity: str

    @classmethod
    def build(cls) -> Urls:
        marker = 987654321

        def pattern(name: str) -> str:
            return reverse(name, args=[marker]).replace(str(marker), "{}")

        return cls(
            pattern("participants:detail"),
            pattern("participants:log"),
            pattern("participants:quick_log"),
            pattern("participants:activity"),
        )


@dataclass
class GridContext:
    """What the rows need besides their data: the week, the day a new activity gets, the way back."""

    monday: date
    log_day: date
    may_log: bool
    back: Back
    columns: list[selectors.Column] = field(default_factory=list)


def _grid(rows: list[selectors.WeekRow], ctx: GridContext) -> list[GridRow]:
    """The selector's rows shaped for the table: one cell per requirement category (and "Övrigt"),
    every address built here rather than by `{% url %}` per cell."""
    urls = Urls.build()
    back_query = ctx.back.query
    day = ctx.log_day.isoformat()
    grid = []
    for row in rows:
        pk = row.enrollment.pk
        log_base = urls.log.format(pk)
        cells = []
        for column in ctx.columns:
            marks = [
                Mark(a, f"{urls.activity.format(a.pk)}?{back_query}&kolumn={column.category}")
                for a in row.activities
                if a.category == column.category
            ]
            log_url = ""
            if ctx.may_log:
                typ = f"typ={column.kind.code}&" if column.kind else ""
                log_url = f"{log_base}?{typ}datum={day}&{back_query}&kolumn={column.category}"
            cells.append(
                GridCell(
                    column.category,
                    column.label,
                    row.cells[column.category],
                    marks,
                    log_url,
                    column.kind if ctx.may_log else None,
                )
            )
        grid.append(GridRow(row, cells, urls.detail.format(pk), urls.quick.format(pk)))
    return grid


def _grid_context(monday: date, today: date, back: Back) -> GridContext:
    return GridContext(
        monday=monday,
        log_day=min(today, monday + timedelta(days=6)),
        may_log=monday <= today,
        back=back,
        columns=selectors.week_columns(selectors.activity_kinds()),
    )


def _row_context(ctx: GridContext) -> dict[str, Any]:
    """What the table and each row's template need."""
    return {
        "monday": ctx.monday,
        "log_day": ctx.log_day,
        "may_log": ctx.may_log,
        "back_query": ctx.back.query,
        "columns": ctx.columns,
        "colspan": len(ctx.columns) + 1,
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


def _saved(
    request: AuthenticatedHttpRequest,
    enrollment: Enrollment,
    back: Back,
    notice: str,
    *,
    column: str | None,
    what: str = "log",
) -> HttpResponse:
    """After a change: htmx gets the message, the enrolment's row (out of band) and where the focus
    goes next (the next row's same cell: static/js/week.js); others Min vecka."""
    if not request.htmx:
        messages.success(request, notice)
        return redirect(back.url)
    today = timezone.localdate()
    enrollments = selectors.enrollments_for(request.user, "change").filter(pk=enrollment.pk)
    rows = selectors.week_of(enrollments, back.monday, today=today)
    record_access(request, [row.enrollment for row in rows], what="min vecka")
    ctx = _grid_context(back.monday, today, back)
    context = {
        "notice": notice,
        "grid": _grid(rows, ctx),
        "focus_row": enrollment.pk,
        "focus_column": column,
        "focus_what": what,
        **_row_context(ctx),
    }
    return render(request, SAVED, context)


def _column(params: Any) -> str | None:
    """The grid column a form was opened from ("" is "Övrigt"); None if not from the grid."""
    value = params.get("kolumn")
    if value is None:
        return None
    return value if value in RequirementCategory.values else ""


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
    rows = selectors.week_of(_week_enrollments(request, handledare), monday, today=today)
    record_access(request, [row.enrollment for row in rows], what="min vecka")
    previous, following = monday - timedelta(weeks=1), monday + timedelta(weeks=1)
    ctx = _grid_context(monday, today, back)
    context = {
        "grid": _grid(rows, ctx),
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
        "week_groups": selectors.week_groups(handledare, request.user, monday),  # "Gruppträffar"
        "week_over": today > monday + timedelta(days=6),
        # The quick logs' common values, inherited by every button (hx-vals): the week and the day.
        "table_vals": json.dumps(
            {"vecka": back.week, "datum": ctx.log_day.isoformat()}
            | ({"handledare": back.handledare} if back.handledare else {})
        ),
        **_row_context(ctx),
    }
    return render_page_or_partial(request, WEEK, "grid", context)


# -- One activity -------------------------------------------------------------------------------


def _activity_values(form: ActivityForm) -> ActivityFields:
    data = form.cleaned_data
    return ActivityFields(**{f.name: data[f.name] for f in fields(ActivityFields)})


def _form_answer(
    request: AuthenticatedHttpRequest, template: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The form in Min vecka's row (htmx from the grid: `kolumn` given), else the page or its partial."""
    column = _column(request.POST if request.method == "POST" else request.GET)
    if request.htmx and column is not None:
        columns = selectors.week_columns(selectors.activity_kinds())
        context |= {"column": column, "colspan": len(columns) + 1, "inline": True}
        if context.get("form") is not None:  # the focus lands in the first field (htmx honours autofocus)
            context["form"].fields["date"].widget.attrs["autofocus"] = True
        return render(request, FORM_ROW, context, status=status)
    return render_page_or_partial(request, template, "form", context, status=status)


def log(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Log one activity (?typ=<kind>&datum=YYYY-MM-DD prefill). htmx from the grid: the form in
    the participant's row (focus in its first field, Enter saves), then the row and the focus on
    the next row's same cell."""
    enrollment = _changeable(request, enrollment_pk, what="logga aktivitet")
    today = timezone.localdate()
    back = _back(request, today)
    kinds = selectors.activity_kinds()
    by_code = {k.code: k for k in kinds if k.active}
    initial: dict[str, Any] = {"date": today}
    chosen = by_code.get(request.GET.get("typ", ""))
    if chosen is not None:
        initial["kind"] = chosen.code
        initial["duration_minutes"] = chosen.default_duration_minutes
    initial["date"] = query_date(request, "datum", default=today)
    form = ActivityForm(request.POST or None, initial=initial, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        data = _activity_values(form)
        try:
            activity = services.activity_log(
                enrollment=enrollment,
                kind=data.kind,
                day=data.date,
                attendance=data.attendance,
                duration_minutes=data.duration_minutes,
                note=data.note,
                by=request.user,
                form_token=form.cleaned_data["form_token"],
            )
        except services.InvalidActivity as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            notice = f"Sparat: {activity.kind.name} {activity.date:%Y-%m-%d} för {enrollment.participant}."
            return _saved(request, enrollment, back, notice, column=_column(request.POST))
    heading = f"Ny aktivitet för {enrollment.participant}"
    context = {"enrollment": enrollment, "form": form, "back": back, "action": request.path, "heading": heading}
    return _form_answer(request, LOG, context)


@require_POST
def quick_log(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """ "Närvarande, standardlängd" in one keypress: the kind `typ` on the day `datum`, present, for
    the kind's default duration. Once per form token (a double press logs once)."""
    enrollment = _changeable(request, enrollment_pk, what="logga aktivitet")
    today = timezone.localdate()
    back = _back(request, today)
    kind = next((k for k in selectors.activity_kinds(active_only=True) if k.code == request.POST.get("typ")), None)
    day = _posted_date(request.POST.get("datum", ""))
    column = _column(request.POST)
    if kind is None:
        return _refused(request, back, "Välj ett aktivitetsslag som finns.")
    if day is None:
        return _refused(request, back, "Datumet gick inte att använda. Ladda om sidan.")
    try:
        services.activity_log(
            enrollment=enrollment,
            kind=kind.code,
            day=day,
            attendance=Attendance.PRESENT,
            duration_minutes=kind.default_duration_minutes,
            note="",
            by=request.user,
            form_token=form_token(request),
        )
    except services.InvalidActivity as exc:
        return _refused(request, back, exc.message)
    notice = (
        f"Sparat: {kind.name}, närvarande {kind.default_duration_minutes} min, "
        f"{day:%Y-%m-%d} för {enrollment.participant}."
    )
    return _saved(request, enrollment, back, notice, column=column, what="quick")


def _posted_date(text: str) -> date | None:
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if in_range(day) else None


def _refused(request: AuthenticatedHttpRequest, back: Back, message: str) -> HttpResponse:
    """A quick log that cannot be saved: the reason in the status line (htmx), else on Min vecka."""
    if not request.htmx:
        messages.error(request, message)
        return redirect(back.url)
    return render(request, SAVED, {"error": message})  # htmx swaps a 200 answer only


def activity(request: AuthenticatedHttpRequest, activity_pk: int) -> HttpResponse:
    """Correct an earlier activity (optimistic lock on its version) or remove one logged by mistake."""
    item = get_visible_or_404(request, _activities_for(request.user), what="aktivitet", pk=activity_pk)
    enrollment = item.enrollment
    may_change = selectors.enrollments_for(request.user, "change").filter(pk=enrollment.pk).exists()
    if request.method == "POST" and not may_change:
        raise PermissionDenied("Bara deltagarens handledare och teamets koordinator rättar aktiviteter.")
    back = _back(request, item.date)
    column = _column(request.POST if request.method == "POST" else request.GET)
    kinds = selectors.activity_kinds()
    status = 200
    stale_delete = False
    if request.method == "POST" and "ta_bort" in request.POST:
        version = request.POST.get("version", "")
        try:
            services.activity_delete(activity=item, by=request.user, expected_version=whole_number(version))
        except StaleEdit:
            stale_delete = True  # a colleague corrected it meanwhile: show what is saved now
            item.refresh_from_db()
        else:
            notice = f"Borttagen: {item} för {enrollment.participant}."
            return _saved(request, enrollment, back, notice, column=column, what="fix")
    initial = {"kind": item.kind_id, "date": item.date, "attendance": item.attendance, "version": item.version}
    initial |= {"duration_minutes": item.duration_minutes, "note": item.note}
    keep = item.kind_id
    form = ActivityForm(request.POST or None, initial=initial, kinds=kinds, keep=keep) if may_change else None
    if stale_delete:  # the form shows what is saved now, with why
        form = ActivityForm({**initial, "date": item.date.isoformat()}, kinds=kinds, keep=item.kind_id)
        form.is_valid()
        form.add_error(None, STALE_MESSAGE)
        status = 409
    elif form is not None and request.method == "POST" and form.is_valid():
        try:
            saved = services.activity_correct(
                activity=item,
                by=request.user,
                values=_activity_values(form),
                expected_version=form.cleaned_data["version"] or 0,
            )
        except StaleEdit:
            fresh = _activities_for(request.user).filter(pk=item.pk).first()
            if fresh is None:  # a colleague removed it meanwhile
                raise Http404 from None
            item = fresh
            form = rebind(ActivityForm, request, version=item.version, initial=initial, kinds=kinds, keep=item.kind_id)
            status = 409
        except services.InvalidActivity as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            notice = f"Rättat: {saved} för {enrollment.participant}."
            return _saved(request, enrollment, back, notice, column=column, what="fix")
    context = {"enrollment": enrollment, "activity": item, "form": form, "back": back, "action": request.path}
    context["heading"] = f"Rätta {item.kind.name.lower()} {item.date:%Y-%m-%d} för {enrollment.participant}"
    return _form_answer(request, ACTIVITY, context, status=status)


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
    form = GroupSessionForm(
        request.POST or None, initial={"date": timezone.localdate()}, kinds=selectors.activity_kinds()
    )
    token = form_token(request) if request.method == "POST" else new_form_token()
    status, attendance_error, duplicate = 200, "", None
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
            except NotAllowedNow:
                status, attendance_error = 409, "Någon deltagare går inte längre att logga för. Ladda om sidan."
            except services.DuplicateSession as exc:
                status, duplicate = 409, exc.session
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
        "duplicate": duplicate,
        "form_token": token,
    }
    return render(request, GROUP, context, status=status)


urlpatterns = [
    path("vecka/", week, name="week"),
    path("<int:enrollment_pk>/aktivitet/ny/", log, name="log"),
    path("<int:enrollment_pk>/aktivitet/narvarande/", quick_log, name="quick_log"),
    path("aktivitet/<int:activity_pk>/", activity, name="activity"),
    path("grupp/ny/", group, name="group"),
]
