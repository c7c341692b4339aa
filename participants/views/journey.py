"""The journey after enrolment: phase changes, extensions of the inriktningstid, the coordinator's
caseload and reassignment, closure and the follow-ups 6 and 12 months after.

Who may do what here: phase change and closure, whoever may change the enrolment (the team's
coordinators; the handledare who is responsible or second contact). Extension, caseload and
reassignment, coordinators only. Someone who may see the enrolment but not do this (a team colleague,
the referrer) gets the 403 page; someone who may not see it at all gets a 404 and the attempt is logged.
"""

from __future__ import annotations

from copy import copy  # a ModelForm writes into its instance: give it a copy, the page shows what is saved
from itertools import groupby
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist import personnummer
from ist.audit.recording import get_allowed_or_403, get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE, rebind
from ist.web import render_page_or_partial
from participants import forms, rules, selectors, services
from participants.models import Enrollment, ExitReason, Extension, FollowUp, Phase
from teams.access import team_ids_where, teams_where

if TYPE_CHECKING:
    from django.forms import ModelChoiceField
    from django.http import HttpResponse

    from teams.models import User

PAGE_SIZE = 25
PHASE = "participants/journey/phase.html"
EXTEND = "participants/journey/extend.html"
CASELOAD = "participants/journey/caseload.html"
REASSIGN = "participants/journey/reassign.html"
CASELOAD_MOVE = "participants/journey/caseload_move.html"
CLOSE = "participants/journey/close.html"
FOLLOW_UPS = "participants/journey/follow_ups.html"
FOLLOW_UP = "participants/journey/follow_up.html"
SAME_PHASE = "Deltagaren är redan i den fasen. Inget har ändrats."
ALREADY_CLOSED = "Inskrivningen är redan avslutad. Avslutet nedan gäller och har inte ändrats."
NOT_ACTIVE = "Inskrivningen är avslutad och kan inte ändras."
FOLLOW_UP_DONE = "Uppföljningen var redan registrerad. Resultatet nedan gäller och har inte ändrats."


# -- Helpers ----------------------------------------------------------------------------


def _enrollment(request: AuthenticatedHttpRequest, pk: int, action: str, what: str) -> Enrollment:
    """The enrolment if the user may `action` it (read logged); 403 if they may only see it; 404 (attempt logged)."""
    refusal = (
        "Bara teamets koordinator gör det här."
        if action == "manage"
        else "Bara deltagarens handledare och teamets koordinator gör det här."
    )
    return get_allowed_or_403(
        request,
        selectors.enrollments_for(request.user, action),
        selectors.enrollments_for(request.user, "view"),
        what=what,
        refusal=refusal,
        pk=pk,
    )


def _coordinator(user: User) -> None:
    if not team_ids_where(user, action="manage"):
        raise PermissionDenied("Bara teamkoordinatorer fördelar deltagare mellan handledare.")


# -- Phase ------------------------------------------------------------------------------


def _phase_panel(
    request: AuthenticatedHttpRequest,
    enrollment: Enrollment,
    form: forms.PhaseChangeForm | None = None,
    *,
    notice: str = "",
    refused: str = "",
    status: int = 200,
) -> HttpResponse:
    """The phase page (or, for htmx, its panel): current phase, history and, while active, the form."""
    periods = list(enrollment.phase_periods.select_related("changed_by"))
    current = next((p for p in periods if p.end is None), None)
    if refused or current is None or enrollment.status != Enrollment.Status.ACTIVE:
        form = None
    elif form is None:
        form = forms.PhaseChangeForm(
            current=current.phase, initial={"on": timezone.localdate(), "version": enrollment.version}
        )
    context = {
        "enrollment": enrollment,
        "periods": periods,
        "current": current,
        "form": form,
        "notice": notice,
        "refused": refused,
    }
    return render_page_or_partial(request, PHASE, "phase-panel", context, status=status)


def phase(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """The phase history and the form to move to the next phase (or back, with a reason)."""
    enrollment = _enrollment(request, enrollment_pk, "change", what="fasbyte")
    if request.method != "POST":
        return _phase_panel(request, enrollment)
    if enrollment.status != Enrollment.Status.ACTIVE:
        return _phase_panel(request, enrollment, refused=NOT_ACTIVE, status=409)
    form = forms.PhaseChangeForm(request.POST)
    if not form.is_valid():
        return _phase_panel(request, enrollment, form)
    data = form.cleaned_data
    try:
        changed = services.phase_change(
            enrollment=enrollment,
            to=data["to"],
            on=data["on"],
            reason=data["reason"],
            by=request.user,
            expected_version=data["version"],
        )
    except StaleEdit:
        enrollment.refresh_from_db()
        form = rebind(forms.PhaseChangeForm, request, version=enrollment.version)
        return _phase_panel(request, enrollment, form, status=409)
    except services.InvalidActivity as e:
        form.add_error(e.field, e.message)
        return _phase_panel(request, enrollment, form)
    except NotAllowedNow:
        return _phase_panel(request, enrollment, refused=NOT_ACTIVE, status=409)
    if not changed:
        form.add_error("to", SAME_PHASE)
        return _phase_panel(request, enrollment, form)
    enrollment.refresh_from_db()  # the new version for the next form
    notice = f"{enrollment.participant} är i fasen {Phase(data['to']).label} från {data['on']:%Y-%m-%d}."
    if request.htmx:
        return _phase_panel(request, enrollment, notice=notice)
    messages.success(request, notice)
    return redirect("participants:phase", enrollment_pk=enrollment.pk)


# -- Extension --------------------------------------------------------------------------


def extend(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Record a decision to extend the inriktningstid, up to what the age rule allows."""
    enrollment = _enrollment(request, enrollment_pk, "manage", what="förlängning")
    age = personnummer.parse(enrollment.participant.personnummer).age_on(enrollment.start_date)
    active = enrollment.status == Enrollment.Status.ACTIVE
    form = forms.ExtensionForm(
        request.POST or None, initial={"decided_on": timezone.localdate(), "version": enrollment.version}
    )
    status = 200
    if request.method == "POST" and not active:
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            extension = services.extend(
                enrollment=enrollment,
                by=request.user,
                new_end=data["new_end"],
                decided_on=data["decided_on"],
                decided_in=Extension.DecidedIn.STYRGRUPP,
                decided_by=f"Styrgruppen, {data['decided_by']}" if data["decided_by"] else "Styrgruppen",
                reason=data["reason"],
                expected_version=data["version"],
            )
        except StaleEdit:
            enrollment.refresh_from_db()
            form = rebind(forms.ExtensionForm, request, version=enrollment.version)
            status = 409
        except services.InvalidActivity as e:
            form.add_error(e.field, e.message)
        else:
            messages.success(request, f"Inriktningstiden är förlängd till {extension.new_end:%Y-%m-%d}.")
            return redirect("participants:extend", enrollment_pk=enrollment.pk)
    context = {
        "enrollment": enrollment,
        "age": age,
        "limit": rules.latest_allowed_end(enrollment.start_date, age),
        "extensions": enrollment.extensions.select_related("recorded_by", "agenda_item__meeting"),
        "form": form if active else None,
        "refused": NOT_ACTIVE if not active else "",
    }
    return render(request, EXTEND, context, status=status)


# -- Caseload and reassignment ------------------------------------------------------------


@require_safe
def caseload(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Arbetsfördelning: the coordinator's teams' active participants, grouped by responsible handledare.

    Constant queries: the page of enrolments, one count per (team, handledare), the open phase periods,
    the teams' handledare (one query per team the coordinator has) and one INSERT for the access log."""
    _coordinator(request.user)
    enrollments = selectors.caseload(request.user).order_by(
        "team__name", "responsible__last_name", "responsible__first_name", "responsible_id", "participant__last_name"
    )
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = list(page.object_list)
    record_access(request, rows, what="arbetsfördelning")
    counts = {
        (row["team_id"], row["responsible_id"]): row["n"]
        for row in selectors.caseload(request.user)
        .order_by()
        .values("team_id", "responsible_id")
        .annotate(n=Count("pk"))
    }
    phases = selectors.current_phases([e.pk for e in rows])
    groups = [
        {"team": group[0].team, "handledare": group[0].responsible, "total": counts[key], "rows": group}
        for key, items in groupby(rows, key=lambda e: (e.team_id, e.responsible_id))
        if (group := list(items))
    ]
    for enrollment in rows:
        enrollment.current_phase = phases.get(enrollment.pk)
    summary = [
        {
            "team": team,
            "handledare": [(user, counts.get((team.pk, user.pk), 0)) for user in selectors.handledare_of(team.pk)],
        }
        for team in teams_where(request.user, action="manage").order_by("name")
    ]
    transfers = list(selectors.incoming_transfers(request.user))
    return render(request, CASELOAD, {"page": page, "groups": groups, "summary": summary, "transfers": transfers})


def reassign(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Give the participant another responsible handledare or second contact; the new one gets an e-mail."""
    enrollment = _enrollment(request, enrollment_pk, "manage", what="byt handledare")
    handledare = selectors.handledare_of(enrollment.team_id)
    initial = {
        "responsible": enrollment.responsible_id,
        "second_contact": enrollment.second_contact_id,
        "version": enrollment.version,
    }
    form = forms.ReassignForm(request.POST or None, handledare=handledare, initial=initial)
    active = enrollment.status == Enrollment.Status.ACTIVE
    context: dict[str, Any] = {"enrollment": enrollment, "stale": "", "refused": "" if active else NOT_ACTIVE}
    if request.method == "POST" and not active:
        return render(request, REASSIGN, context | {"form": None}, status=409)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.reassign(
                enrollment=enrollment,
                responsible=data["responsible"],
                second_contact=data["second_contact"],
                by=request.user,
                expected_version=data["version"],
            )
        except StaleEdit:
            saved = _enrollment(request, enrollment_pk, "manage", what="byt handledare")
            form = rebind(forms.ReassignForm, request, version=saved.version, note=False, handledare=handledare)
            return render(
                request, REASSIGN, context | {"enrollment": saved, "form": form, "stale": STALE_MESSAGE}, status=409
            )
        if changed:
            messages.success(
                request,
                f"{data['responsible'].get_full_name()} är ansvarig handledare för {enrollment.participant}. "
                "En ny ansvarig handledare får ett e-postmeddelande.",
            )
        else:
            messages.info(request, "Inget ändrades: samma handledare som förut.")
        return redirect("participants:caseload")
    return render(request, REASSIGN, context | {"form": form if active else None})


def _selection(request: AuthenticatedHttpRequest) -> dict[int, int | None]:
    """The ticked rows of Arbetsfördelning: `e=<enrolment id>-<version seen>` (the version may be left out)."""
    source = request.POST if request.method == "POST" else request.GET
    selected: dict[int, int | None] = {}
    for value in source.getlist("e"):
        pk, _, version = value.partition("-")
        if not pk.isdigit() or (version and not version.isdigit()):
            raise Http404
        selected[int(pk)] = int(version) if version else None
    return selected


def caseload_move(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Arbetsfördelning, "Flytta markerade": the participants ticked on the list get a new handledare
    (and second contact) in one step after one confirmation. One team at a time (the handledare are
    the team's); a participant not in the coordinator's teams: 404. Each change is logged, the new
    handledare told once; rows someone changed after the list was shown are reported, not moved."""
    _coordinator(request.user)
    selected = _selection(request)
    enrollments = list(
        selectors.caseload(request.user)
        .filter(pk__in=list(selected))
        .select_related("participant", "team", "responsible", "second_contact")
        .order_by("participant__last_name", "participant__first_name", "pk")
    )
    if len(enrollments) != len(selected):
        raise Http404  # closed meanwhile or never in the coordinator's teams
    record_access(request, enrollments, what="flytta deltagare")
    context: dict[str, Any] = {"enrollments": enrollments, "form": None, "refused": "", "stale": []}
    teams = {e.team_id for e in enrollments}
    if not enrollments:
        context["refused"] = "Markera minst en deltagare i arbetsfördelningen först."
        return render(request, CASELOAD_MOVE, context, status=200 if request.method != "POST" else 409)
    if len(teams) > 1:
        context["refused"] = "Markera deltagare i ett team i taget: den nya handledaren ska höra till teamet."
        return render(request, CASELOAD_MOVE, context, status=200 if request.method != "POST" else 409)
    form = forms.BulkReassignForm(request.POST or None, handledare=selectors.handledare_of(enrollments[0].team_id))
    context |= {"form": form, "team": enrollments[0].team}
    context["selection"] = [
        f"{e.pk}-{selected[e.pk] if selected[e.pk] is not None else e.version}" for e in enrollments
    ]
    if request.method != "POST" or not form.is_valid():
        return render(request, CASELOAD_MOVE, context)
    versions = {pk: version for pk, version in selected.items() if version is not None}
    result = services.reassign_many(
        enrollment_ids=versions if len(versions) == len(selected) else list(selected),
        by_user=form.cleaned_data["responsible"],
        second_contact=form.second_contact_choice(),
        by=request.user,
    )
    name = form.cleaned_data["responsible"].get_full_name()
    if result.moved:
        messages.success(
            request,
            f"{len(result.moved)} deltagare har {name} som ansvarig handledare nu. "
            "Varje byte är loggat, och den nya handledaren får ett e-postmeddelande.",
        )
    if not result.stale:
        if not result.moved:
            messages.info(request, "Inget ändrades: de markerade deltagarna hade redan de valda handledarna.")
        return redirect("participants:caseload")
    context |= {"form": None, "stale": [e for e in enrollments if e.pk in result.stale]}
    return render(request, CASELOAD_MOVE, context, status=409)


# -- Closure ----------------------------------------------------------------------------


def _grouped_reasons(form: forms.ClosureForm) -> None:
    """Show the exit reasons in two groups (completions, interruptions), so the choice says which it is."""
    grouped: dict[str, list[tuple[int, str]]] = {}
    for reason in cast("ModelChoiceField[ExitReason]", form.fields["reason"]).queryset or []:
        grouped.setdefault(reason.group, []).append((reason.pk, reason.label))
    form.fields["reason"].widget.choices = [
        ("", "Välj avslutsorsak"),
        *((ExitReason.Group(group).label, items) for group, items in grouped.items()),
    ]


def _closure_page(request: AuthenticatedHttpRequest, enrollment: Enrollment, form: Any, **extra: Any) -> HttpResponse:
    status = extra.pop("status", 200)
    closure = None
    if enrollment.status == Enrollment.Status.CLOSED:
        closure = enrollment.closure
        form = None
    if form is not None:
        _grouped_reasons(form)
    context = {
        "enrollment": enrollment,
        "closure": closure,
        "follow_ups": enrollment.follow_ups.all() if closure else [],
        "form": form,
        "stale": "",
        "refused": "",
        **extra,
    }
    return render(request, CLOSE, context, status=status)


def close(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Close the enrolment once: exit reason, the situation after, summary and recommendations."""
    enrollment = _enrollment(request, enrollment_pk, "change", what="avslut")
    if request.method != "POST":
        initial = {"version": enrollment.version, "date": timezone.localdate()}
        return _closure_page(request, enrollment, forms.ClosureForm(initial=initial))
    if enrollment.status != Enrollment.Status.ACTIVE:
        return _closure_page(request, enrollment, None, refused=ALREADY_CLOSED, status=409)
    form = forms.ClosureForm(request.POST)
    if not form.is_valid():
        return _closure_page(request, enrollment, form)
    try:
        services.close(
            enrollment=enrollment,
            by=request.user,
            values=form.service_values(),
            expected_version=form.cleaned_data["version"],
        )
    except services.InvalidActivity as e:
        form.add_error(e.field, e.message)
        return _closure_page(request, enrollment, form)
    except (StaleEdit, NotAllowedNow):
        saved = _enrollment(request, enrollment_pk, "change", what="avslut")
        if saved.status != Enrollment.Status.ACTIVE:
            return _closure_page(request, saved, None, refused=ALREADY_CLOSED, status=409)
        form = rebind(forms.ClosureForm, request, version=saved.version, note=False)
        return _closure_page(request, saved, form, stale=STALE_MESSAGE, status=409)
    messages.success(
        request,
        f"Inskrivningen för {enrollment.participant} är avslutad. "
        "Skriv avslutssammanfattningen till inremittenten under Dokument.",
    )
    return redirect("participants:detail", enrollment_pk=enrollment.pk)


# -- Follow-up --------------------------------------------------------------------------


def _follow_ups_for(user: User, action: str) -> Any:
    return FollowUp.objects.filter(enrollment__in=selectors.enrollments_for(user, action)).select_related(
        "enrollment__participant", "enrollment__team", "recorded_by"
    )


@require_safe
def follow_ups(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Follow-ups due now or within two weeks, for the participants the user works with."""
    if not team_ids_where(request.user, action="change"):
        raise PermissionDenied("Uppföljningar görs av teamens handledare och koordinatorer.")
    today = timezone.localdate()
    page = Paginator(selectors.follow_ups_due(request.user, today=today), PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = list(page.object_list)
    record_access(request, [row.enrollment for row in rows], what="uppföljningar")
    return render(request, FOLLOW_UPS, {"page": page, "rows": rows, "today": today})


def follow_up(request: AuthenticatedHttpRequest, follow_up_pk: int) -> HttpResponse:
    """Record what the person is doing 6 or 12 months after closure; once."""
    allowed = _follow_ups_for(request.user, "change")
    if (
        not allowed.filter(pk=follow_up_pk).exists()
        and _follow_ups_for(request.user, "view").filter(pk=follow_up_pk).exists()
    ):
        raise PermissionDenied("Bara deltagarens handledare och teamets koordinator gör uppföljningen.")
    item = get_visible_or_404(request, allowed, what="uppföljning", pk=follow_up_pk)
    if request.method == "POST" and item.found:
        messages.info(request, FOLLOW_UP_DONE)
        return redirect("participants:follow_up", follow_up_pk=item.pk)
    today = timezone.localdate()
    is_open = rules.follow_up_open(item.due_on, today)
    context = {
        "item": item,
        "enrollment": item.enrollment,
        "closure": item.enrollment.closure,
        "form": None,
        "opens_on": rules.follow_up_opens_on(item.due_on),
    }
    if not item.found and not is_open:
        # Not due yet (issue 19.5): the page says from when; a POST changes nothing.
        return render(request, FOLLOW_UP, context, status=409 if request.method == "POST" else 200)
    form = None if item.found else forms.FollowUpForm(request.POST or None, instance=copy(item))
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.follow_up_record(
                follow_up=item, found=data["found"], note=data["note"], by=request.user, today=today
            )
        except NotAllowedNow:  # the day turned meanwhile: cannot happen forward in time
            return render(request, FOLLOW_UP, context, status=409)
        if recorded:
            messages.success(request, "Uppföljningen är registrerad.")
        else:
            messages.info(request, FOLLOW_UP_DONE)
        return redirect("participants:follow_up", follow_up_pk=item.pk)
    context["form"] = form
    return render(request, FOLLOW_UP, context)


urlpatterns = [
    path("<int:enrollment_pk>/fas/", phase, name="phase"),
    path("<int:enrollment_pk>/forlang/", extend, name="extend"),
    path("arbetsfordelning/", caseload, name="caseload"),
    path("arbetsfordelning/flytta/", caseload_move, name="caseload_move"),
    path("<int:enrollment_pk>/handledare/", reassign, name="reassign"),
    path("<int:enrollment_pk>/avslut/", close, name="close"),
    path("uppfoljningar/", follow_ups, name="follow_ups"),
    path("uppfoljning/<int:follow_up_pk>/", follow_up, name="follow_up"),
]
