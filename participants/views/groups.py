"""Saved groups and their sessions (issue 19.4, docs/decisions/0035).

A group (name, team, members, kind, usual weekday and time) is the team's: its handledare and
coordinators see, create, edit and archive it; anyone else gets 404 for a group and 403 for the
lists (as Min vecka). Members are checkboxes of the participants the user may change in the team,
never a select of everyone. A session is logged in one go with every member preselected as
present; the user marks the exceptions and may add others of their participants for that session.
The same group, date and time is stored once: a second form is refused with a link to the stored
session, a double click gives the first answer again. A whole session is corrected or removed at
once, under an optimistic lock (ist/stale.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist.audit.recording import get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE
from ist.web import form_token, query_date, whole_number
from participants import rules, selectors, services
from participants.forms import GroupForm, GroupMeetingForm
from participants.inputs import GroupFields, SessionFields
from participants.models import ActivityGroup, Attendance, Enrollment, new_form_token
from participants.views.week import Back, _staff_teams

if TYPE_CHECKING:
    from django.db.models import QuerySet
    from django.http import HttpResponse
    from django_stubs_ext import StrOrPromise

    from teams.models import Team

LIST = "participants/groups/list.html"
FORM = "participants/groups/form.html"
DETAIL = "participants/groups/detail.html"
SESSION = "participants/groups/session.html"
LEAVE = "remove"  # "Ta bort ur träffen" in a correction
DUPLICATE = "Gruppträffen är redan registrerad – ändra den i stället."
MOVED = "Någon deltagare går inte längre att logga för (avslutad eller flyttad). Ladda om sidan."


def _group(request: AuthenticatedHttpRequest, pk: int) -> ActivityGroup:
    _staff_teams(request.user, "change")  # 403 for those who are not IST staff, as Min vecka
    return get_visible_or_404(request, selectors.groups_for(request.user), what="grupp", pk=pk)


def _changeable(request: AuthenticatedHttpRequest, team_id: int) -> QuerySet[Enrollment]:
    """The team's active participants the user may log for: a handledare's own, a coordinator's team."""
    return (
        selectors.enrollments_for(request.user, "change")
        .filter(team_id=team_id, status=Enrollment.Status.ACTIVE)
        .order_by("participant__last_name", "participant__first_name")
    )


def _fields(form: GroupForm) -> GroupFields:
    data = form.cleaned_data
    return GroupFields(
        name=data["name"],
        kind=data["kind"],
        weekday=data["weekday"],
        start_time=data["start_time"],
        duration_minutes=data["duration_minutes"],
    )


# -- Groups ----------------------------------------------------------------------------------------


@require_safe
def groups(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The saved groups of the user's teams (?arkiverade=1: the archived ones)."""
    _staff_teams(request.user, "change")
    archived = request.GET.get("arkiverade") == "1"
    rows = selectors.groups_for(request.user).filter(archived_at__isnull=not archived).order_by("team__name", "name")
    context = {"groups": list(rows), "archived": archived}
    return render(request, LIST, context)


@dataclass
class Candidate:
    enrollment: Enrollment
    checked: bool


def _member_choices(
    request: AuthenticatedHttpRequest, team: Team, current: set[int]
) -> tuple[list[Candidate], list[Enrollment]]:
    """Checkboxes of the participants the user may change in the team (ticked: members now or as
    posted), and the picked ones."""
    candidates = list(_changeable(request, team.pk))
    record_access(request, candidates, what="grupp")
    if request.method == "POST":
        posted = {whole_number(v) for v in request.POST.getlist("medlem")}
        ticked = {e.pk for e in candidates if e.pk in posted}
    else:
        ticked = current & {e.pk for e in candidates}
    return [Candidate(e, e.pk in ticked) for e in candidates], [e for e in candidates if e.pk in ticked]


def group_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A new saved group of one of the user's teams (a user of two teams chooses first)."""
    teams = list(_staff_teams(request.user, "change"))
    wanted = request.POST.get("team") or request.GET.get("team")
    team = next((t for t in teams if str(t.pk) == wanted), teams[0] if len(teams) == 1 else None)
    if team is None:
        return render(request, FORM, {"teams": teams, "team": None, "group": None})
    kinds = selectors.activity_kinds()
    form = GroupForm(request.POST or None, kinds=kinds)
    candidates, members = _member_choices(request, team, set())
    members_error = ""
    if request.method == "POST" and form.is_valid():
        if not members:
            members_error = "Välj minst en deltagare."
        else:
            try:
                group = services.group_create(
                    team=team,
                    values=_fields(form),
                    members=members,
                    by=request.user,
                    form_token=form.cleaned_data["form_token"],
                )
            except services.InvalidActivity as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except NotAllowedNow:
                members_error = MOVED
            else:
                messages.success(request, f"Gruppen {group.name} är sparad.")
                return redirect("participants:group_detail", group_pk=group.pk)
    context = {
        "teams": teams,
        "team": team,
        "group": None,
        "form": form,
        "candidates": candidates,
        "members_error": members_error,
    }
    return render(request, FORM, context)


def group_edit(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    """Change a group's name, kind, usual time and members; archive it or take it back."""
    group = _group(request, group_pk)
    if request.method == "POST" and ("arkivera" in request.POST or "ateruppta" in request.POST):
        archive = "arkivera" in request.POST
        services.group_archive(group=group, archived=archive, by=request.user)
        done = "arkiverad" if archive else "tagen tillbaka"
        messages.success(request, f"Gruppen {group.name} är {done}.")
        return redirect("participants:group_detail", group_pk=group.pk)
    kinds = selectors.activity_kinds()
    initial = {
        "name": group.name,
        "kind": group.kind_id,
        "weekday": group.weekday,
        "start_time": group.start_time,
        "duration_minutes": group.duration_minutes,
        "version": group.version,
    }
    form = GroupForm(request.POST or None, initial=initial, kinds=kinds, keep=group.kind_id)
    current = set(
        group.members.filter(status=Enrollment.Status.ACTIVE, team_id=group.team_id).values_list("pk", flat=True)
    )
    candidates, picked = _member_choices(request, group.team, current)
    # Members the user may not change (a colleague's participants) stay as they are, unnamed here.
    others = current - {c.enrollment.pk for c in candidates}
    status, members_error = 200, ""
    if request.method == "POST" and form.is_valid():
        members = picked + list(Enrollment.objects.filter(pk__in=others))
        if not members:
            members_error = "Välj minst en deltagare."
        else:
            try:
                services.group_update(
                    group=group,
                    values=_fields(form),
                    members=members,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except StaleEdit:
                group.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = str(group.version)
                form = GroupForm(posted, kinds=kinds, keep=group.kind_id)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                status = 409
            except services.InvalidActivity as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            except NotAllowedNow:
                status, members_error = 409, MOVED
            else:
                messages.success(request, f"Gruppen {form.cleaned_data['name']} är sparad.")
                return redirect("participants:group_detail", group_pk=group.pk)
    context = {
        "team": group.team,
        "group": group,
        "form": form,
        "candidates": candidates,
        "others": len(others),
        "members_error": members_error,
    }
    return render(request, FORM, context, status=status)


@require_safe
def group_detail(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    """The group: its members the user may see, its latest sessions, "Logga träff"."""
    group = _group(request, group_pk)
    members = list(
        selectors.enrollments_for(request.user)
        .filter(pk__in=group.members.values("pk"))
        .order_by("participant__last_name", "participant__first_name")
    )
    record_access(request, members, what="grupp")
    hidden = group.members.count() - len(members)
    context = {
        "group": group,
        "members": members,
        "hidden": hidden,
        "sessions": selectors.group_page_sessions(group),
        "next_day": _usual_day(group, timezone.localdate()),
    }
    return render(request, DETAIL, context)


def _usual_day(group: ActivityGroup, today: date) -> date:
    """The latest usual weekday of the group up to today (the session most likely being logged)."""
    return today - timedelta(days=(today.weekday() - group.weekday) % 7)


# -- Sessions ----------------------------------------------------------------------------------------


CHOICES: list[tuple[str, StrOrPromise]] = list(Attendance.choices)


@dataclass
class Row:
    """One participant of the attendance list: their radios (name `narvaro-<id>`)."""

    enrollment: Enrollment
    value: str
    removable: bool = False  # a correction offers "Ta bort ur träffen"
    error: str = ""

    @property
    def name(self) -> str:
        return f"narvaro-{self.enrollment.pk}"

    @property
    def options(self) -> list[tuple[str, StrOrPromise, bool]]:
        choices = [*CHOICES, (LEAVE, "Ta bort ur träffen")] if self.removable else CHOICES
        return [(value, label, value == self.value) for value, label in choices]


@dataclass
class Guest:
    """Someone not in the group (or not in the session) who may be added for this session."""

    enrollment: Enrollment
    checked: bool


def _rows(
    request: AuthenticatedHttpRequest, people: list[Enrollment], saved: dict[int, str], *, removable: bool
) -> list[Row]:
    """The attendance radios: as posted, else as saved, else present ("alla närvarande")."""
    valid = {value for value, _ in CHOICES} | ({LEAVE} if removable else set())
    rows = []
    for enrollment in people:
        value = saved.get(enrollment.pk, Attendance.PRESENT)
        if request.method == "POST":
            posted = request.POST.get(f"narvaro-{enrollment.pk}", value)
            value = posted if posted in valid else value
        rows.append(Row(enrollment, value, removable=removable))
    return rows


def _guests(request: AuthenticatedHttpRequest, people: list[Enrollment]) -> list[Guest]:
    posted = {whole_number(v) for v in request.POST.getlist("gast")} if request.method == "POST" else set()
    return [Guest(e, e.pk in posted) for e in people]


def _attendance(rows: list[Row], guests: list[Guest]) -> dict[int, str]:
    chosen = {r.enrollment.pk: r.value for r in rows if r.value != LEAVE}
    return chosen | {g.enrollment.pk: Attendance.PRESENT for g in guests if g.checked}


def _mark_outside(rows: list[Row], day: date) -> None:
    """Say beside each participant whose enrolment starts after the date."""
    for r in rows:
        if r.value != LEAVE and r.enrollment.start_date > day:
            r.error = f"Inskriven från {r.enrollment.start_date:%Y-%m-%d}."


def _session_values(form: GroupMeetingForm) -> SessionFields:
    data = form.cleaned_data
    return SessionFields(
        date=data["date"], start_time=data["start_time"], duration_minutes=data["duration_minutes"], note=data["note"]
    )


def _summary(attendance: dict[int, str]) -> str:
    present = sum(1 for v in attendance.values() if v == Attendance.PRESENT)
    away = len(attendance) - present
    return f"{present} närvarande" + (f", {away} frånvarande" if away else "")


def _after(request: AuthenticatedHttpRequest, group: ActivityGroup | None, day: date) -> HttpResponse:
    """Back where the user came from: Min vecka (that week) or the group's page."""
    if request.POST.get("fran") == "vecka" or group is None:
        return redirect(Back(rules.week_start(day)).url)
    return redirect("participants:group_detail", group_pk=group.pk)


def group_session_new(request: AuthenticatedHttpRequest, group_pk: int) -> HttpResponse:
    """Log a session of the group: everyone preselected as present; mark the exceptions, add others."""
    group = _group(request, group_pk)
    today = timezone.localdate()
    changeable = list(_changeable(request, group.team_id))
    member_ids = set(group.members.values_list("pk", flat=True))
    people = [e for e in changeable if e.pk in member_ids]
    record_access(request, changeable, what="gruppträff")
    initial = {
        "date": query_date(request, "datum", default=_usual_day(group, today)),
        "start_time": group.start_time,
        "duration_minutes": group.duration_minutes,
    }
    form = GroupMeetingForm(request.POST or None, initial=initial)
    form.fields["date"].widget.attrs["autofocus"] = True  # everything is prefilled: Enter saves
    rows = _rows(request, people, {}, removable=False)
    guests = _guests(request, [e for e in changeable if e.pk not in member_ids])
    token = form_token(request) if request.method == "POST" else new_form_token()
    status, attendance_error, duplicate = 200, "", None
    if group.archived_at is not None:
        attendance_error = "Gruppen är arkiverad. Ta tillbaka den för att logga nya träffar."
        status = 409 if request.method == "POST" else 200
    elif request.method == "POST" and form.is_valid():
        attendance = _attendance(rows, guests)
        values = _session_values(form)
        if not attendance:
            attendance_error = "Ingen deltagare att logga för: lägg till någon."
        else:
            try:
                logged = services.group_meeting_log(
                    group=group, values=values, attendance=attendance, by=request.user, form_token=token
                )
            except services.DuplicateSession as exc:
                status, duplicate = 409, exc.session
            except services.InvalidActivity as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                _mark_outside(rows, values.date)
            except NotAllowedNow:
                status, attendance_error = 409, MOVED
            else:
                session = logged.session
                messages.success(
                    request,
                    f"Gruppträffen {group.name} {session.date:%Y-%m-%d} är sparad: {_summary(attendance)}.",
                )
                return _after(request, group, session.date)
    context = {
        "group": group,
        "session": None,
        "form": form,
        "rows": rows,
        "guests": guests,
        "others": len(member_ids) - len(people),
        "attendance_error": attendance_error,
        "duplicate": duplicate,
        "duplicate_message": DUPLICATE,
        "form_token": token,
        "from_week": (request.POST if request.method == "POST" else request.GET).get("fran") == "vecka",
    }
    return render(request, SESSION, context, status=status)


def group_session(request: AuthenticatedHttpRequest, session_pk: int) -> HttpResponse:
    """Correct a whole session at once (date, time, length, note, everyone's attendance, added or
    removed participants) or remove it. A colleague's change since the page was shown: 409."""
    _staff_teams(request.user, "change")
    session = get_visible_or_404(request, selectors.group_sessions_for(request.user), what="gruppträff", pk=session_pk)
    group = session.group
    changeable = list(_changeable(request, session.team_id))
    saved = dict(session.activities.values_list("enrollment_id", "attendance"))
    mine = {e.pk for e in changeable}
    people = [e for e in changeable if e.pk in saved]
    record_access(request, changeable, what="gruppträff")
    # Participants the user may not change (a colleague's, or closed since) keep what is saved.
    kept = {pk: value for pk, value in saved.items() if pk not in mine}
    status, attendance_error, duplicate = 200, "", None
    if request.method == "POST" and "ta_bort" in request.POST:
        try:
            services.group_session_delete(
                session=session, by=request.user, expected_version=whole_number(request.POST.get("version", ""))
            )
        except StaleEdit:
            session.refresh_from_db()
            attendance_error, status = STALE_MESSAGE, 409
        else:
            messages.success(request, f"Gruppträffen {session.date:%Y-%m-%d} är borttagen för {len(saved)} deltagare.")
            return _after(request, group, session.date)
    initial = {
        "date": session.date,
        "start_time": session.start_time,
        "duration_minutes": session.duration_minutes,
        "note": session.note,
        "version": session.version,
    }
    posting = request.method == "POST" and "ta_bort" not in request.POST
    form = GroupMeetingForm(request.POST if posting else None, initial=initial)
    if group is None:
        form.fields["start_time"].required = False  # a one-off session of before had no time
    rows = _rows(request, people, saved, removable=True)
    guests = _guests(request, [e for e in changeable if e.pk not in saved])
    if posting and form.is_valid():
        attendance = _attendance(rows, guests) | kept
        values = _session_values(form)
        if not attendance:
            attendance_error = "Ingen deltagare kvar: ta bort hela träffen i stället."
        else:
            try:
                services.group_session_correct(
                    session=session,
                    values=values,
                    attendance=attendance,
                    by=request.user,
                    expected_version=form.cleaned_data["version"] or 0,
                )
            except StaleEdit:
                session.refresh_from_db()
                posted = request.POST.copy()
                posted["version"] = str(session.version)
                form = GroupMeetingForm(posted, initial=initial)
                form.is_valid()
                form.add_error(None, STALE_MESSAGE)
                status = 409
            except services.DuplicateSession as exc:
                status, duplicate = 409, exc.session
            except services.InvalidActivity as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                _mark_outside(rows, values.date)
            except NotAllowedNow:
                status, attendance_error = 409, MOVED
            else:
                messages.success(request, f"Gruppträffen {values.date:%Y-%m-%d} är rättad: {_summary(attendance)}.")
                return _after(request, group, values.date)
    context: dict[str, Any] = {
        "group": group,
        "session": session,
        "form": form,
        "rows": rows,
        "guests": guests,
        "others": len(kept),
        "attendance_error": attendance_error,
        "duplicate": duplicate,
        "duplicate_message": DUPLICATE,
        "from_week": (request.POST if request.method == "POST" else request.GET).get("fran") == "vecka",
    }
    return render(request, SESSION, context, status=status)


urlpatterns = [
    path("grupper/", groups, name="groups"),
    path("grupper/ny/", group_new, name="group_new"),
    path("grupper/<int:group_pk>/", group_detail, name="group_detail"),
    path("grupper/<int:group_pk>/andra/", group_edit, name="group_edit"),
    path("grupper/<int:group_pk>/traff/", group_session_new, name="group_session_new"),
    path("grupptraff/<int:session_pk>/", group_session, name="group_session"),
]
