"""Samverkansteam meetings (agenda, attendance, decisions, minutes) and information meetings.

Coordinators run the meetings; samverkansteam members see the agenda read-only to prepare;
handledare and the referrer follow an information meeting read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ist.audit.recording import get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE
from ist.web import form_token, whole_number
from referrals import selectors, services
from referrals.forms import AttendanceFormSet, DecisionForm, InfoMeetingForm, MeetingForm, OutcomeForm
from referrals.models import AgendaItem, InformationMeeting, Referral, TeamMeeting, new_form_token
from teams.access import teams_where
from teams.models import Organisation

PAGE_SIZE = 25
MEETING = "referrals/meetings/meeting.html"
ALREADY_DECIDED = "Beslut redan fattat. Beslutet nedan gäller och har inte ändrats."
NOT_ACCEPTED = "Informationsmöte kan bara bokas för en remiss som teamet har antagit."
KIND_LABELS = dict(Organisation.Kind.choices)


def _runs(user: Any, meeting: TeamMeeting) -> bool:
    """Is the user a coordinator of the meeting's team?"""
    return selectors.meetings_for(user, "manage").filter(pk=meeting.pk).exists()


def _prepare(item: AgendaItem, runs: bool, form: DecisionForm | None = None) -> AgendaItem:
    """Attach what the template shows of an item: authorities by name and, for the coordinator, a form."""
    if item.referral is not None:
        item.authorities = [KIND_LABELS.get(kind, kind) for kind in item.referral.authorities_involved]
    item.form = None
    if runs and not item.decision:
        item.form = form or DecisionForm(item=item, prefix=f"punkt-{item.pk}")
    return item


def _subjects(items: list[AgendaItem]) -> list[Any]:
    return [item.referral or item.question for item in items]


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: TeamMeeting,
    *,
    attendance: Any = None,
    bound: tuple[int, DecisionForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole meeting page; `attendance` or `bound` (item pk, form) carry a submit with errors."""
    runs = _runs(request.user, meeting)
    bound_pk, bound_form = bound or (None, None)
    items = [_prepare(item, runs, bound_form if item.pk == bound_pk else None) for item in selectors.agenda_of(meeting)]
    record_access(request, _subjects(items), what="dagordning")
    if runs and attendance is None:
        rows = [{"organisation_kind": a.organisation_kind, "name": a.name} for a in meeting.attendances.all()]
        # Two blank rows as initial data plus the formset's two extra: room for one per partner.
        attendance = AttendanceFormSet(initial=[*rows, {}, {}], prefix="attendance")
    context = {"meeting": meeting, "items": items, "runs": runs, "attendance": attendance}
    return render(request, MEETING, context, status=status)


# -- Samverkansteam meetings ---------------------------------------------------------------------


@require_safe
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upcoming (or, with ?visa=tidigare, past) meetings of the user's samverkansteam."""
    if not teams_where(request.user, action="consult").exists():
        raise PermissionDenied
    past = request.GET.get("visa") == "tidigare"
    today = timezone.localdate()
    meetings = selectors.meetings_for(request.user, "consult").annotate(item_count=Count("items"))
    if past:
        meetings = meetings.filter(date__lt=today).order_by("-date", "-start_time")
    else:
        meetings = meetings.filter(date__gte=today).order_by("date", "start_time")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("sida"))
    context = {
        "page": page,
        "past": past,
        "query": "visa=tidigare" if past else "",
        "may_create": teams_where(request.user, action="manage").exists(),
    }
    return render(request, "referrals/meetings/list.html", context)


def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    teams = teams_where(request.user, action="manage")
    if not teams.exists():
        raise PermissionDenied
    form = MeetingForm(request.POST or None, teams=teams)
    if form.is_valid():
        meeting = services.meeting_create(by=request.user, form_token=form_token(request), **form.cleaned_data)
        messages.success(request, "Mötet är skapat.")
        return redirect("referrals:meeting", pk=meeting.pk)
    token = request.POST.get("form_token") or new_form_token()
    return render(request, "referrals/meetings/new.html", {"form": form, "form_token": token})


@require_safe
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The agenda; for the coordinator also attendance and a decision form per undecided item."""
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="möte", pk=pk)
    return _meeting_page(request, meeting)


@require_POST
def meeting_attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="närvaro", pk=pk)
    if not _runs(request.user, meeting):
        raise PermissionDenied
    formset = AttendanceFormSet(request.POST, prefix="attendance")
    if not formset.is_valid():
        return _meeting_page(request, meeting, attendance=formset)
    rows = [(row["organisation_kind"], row["name"].strip()) for row in formset.cleaned_data if row.get("name")]
    version = request.POST.get("version", "")
    try:
        services.meeting_record_attendance(meeting=meeting, rows=rows, expected_version=whole_number(version))
    except StaleEdit:
        meeting.refresh_from_db()  # the page shows the saved list's version: "save again" applies to it
        messages.error(request, STALE_MESSAGE)
        return _meeting_page(request, meeting, attendance=formset, status=409)
    messages.success(request, "Närvaron är sparad.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#narvaro")


@require_POST
def decide(request: AuthenticatedHttpRequest, item_pk: int) -> HttpResponse:
    """Record the decision on one agenda item; via htmx only that item comes back."""
    item = get_visible_or_404(request, selectors.agenda_items_for(request.user, "consult"), what="beslut", pk=item_pk)
    if not _runs(request.user, item.meeting):
        raise PermissionDenied
    bound = DecisionForm(request.POST, item=item, prefix=f"punkt-{item.pk}")
    form: DecisionForm | None = bound
    notice = ""
    if bound.is_valid():
        if not services.agenda_decide(item=item, by=request.user, **bound.cleaned_data):
            notice = ALREADY_DECIDED
        item = selectors.agenda_items_for(request.user, "consult").get(pk=item.pk)
        form = None
    elif item.decision:
        notice, form = ALREADY_DECIDED, None
    if not request.htmx:
        if form is not None:
            return _meeting_page(request, item.meeting, bound=(item.pk, form))
        messages.info(request, notice or "Beslutet är registrerat.")
        return redirect(reverse("referrals:meeting", kwargs={"pk": item.meeting_id}) + f"#punkt-{item.pk}")
    context = {"item": _prepare(item, True, form), "runs": True, "notice": notice}
    return render(request, f"{MEETING}#agenda-item", context)


@require_safe
def minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Printable minutes: attendance per organisation, every item with decision and reasoning."""
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="protokoll", pk=pk)
    items = [_prepare(item, False) for item in selectors.agenda_of(meeting)]
    record_access(request, _subjects(items), what="protokoll")
    context = {"meeting": meeting, "items": items, "attendances": meeting.attendances.all()}
    return render(request, "referrals/meetings/minutes.html", context)


# -- Information meetings ------------------------------------------------------------------------


def info_meeting_new(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    referral = get_visible_or_404(
        request, selectors.referrals_for(request.user, "view"), what="informationsmöte", pk=referral_pk
    )
    if referral.team_id is None or not selectors.referrals_for(request.user, "manage").filter(pk=referral.pk).exists():
        raise PermissionDenied
    bound = InfoMeetingForm(request.POST or None, staff=selectors.team_staff(referral.team_id))
    form: InfoMeetingForm | None = bound
    status = 200
    if referral.status != Referral.Status.ACCEPTED:
        form, status = None, 409 if request.method == "POST" else 200
    elif bound.is_valid():
        try:
            booked = services.info_meeting_book(
                referral=referral, by=request.user, form_token=form_token(request), **_booking(bound)
            )
        except NotAllowedNow:
            form, status = None, 409
        else:
            if booked.date < timezone.localdate():
                messages.success(
                    request,
                    "Mötet är registrerat som redan hållet. Ingen inbjudan eller kallelse skickades. "
                    "Registrera utfallet nedan.",
                )
            else:
                messages.success(
                    request, "Informationsmötet är bokat. Inremittenten och IST-deltagarna får ett meddelande."
                )
            return redirect("referrals:info_meeting", pk=booked.pk)
    context = {"referral": referral, "form": form, "form_token": request.POST.get("form_token") or new_form_token()}
    context["not_accepted"] = NOT_ACCEPTED if form is None else ""
    return render(request, "referrals/meetings/info_meeting_new.html", context, status=status)


def _booking(form: InfoMeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {key: data[key] for key in ("date", "start_time", "place")} | {"attendees": list(data["attendees"])}


def info_meeting(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The booking; coordinators record the outcome once (from the meeting's day), the others read it.
    After "Vill börja" the coordinator goes to the enrolment form in one click."""
    meeting = get_visible_or_404(
        request, selectors.information_meetings_for(request.user), what="informationsmöte", pk=pk
    )
    may_record = selectors.referrals_for(request.user, "manage").filter(pk=meeting.referral_id).exists()
    if request.method == "POST" and not may_record:
        raise PermissionDenied
    today = timezone.localdate()
    form = None
    if may_record and not meeting.outcome:
        form = OutcomeForm(request.POST or None, meeting_date=meeting.date, today=today)
    if request.method == "POST" and meeting.outcome:
        messages.info(request, "Utfallet var redan registrerat och har inte ändrats.")
        return redirect("referrals:info_meeting", pk=meeting.pk)
    status = 200
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            recorded = services.info_meeting_record_outcome(
                meeting=meeting, outcome=data["outcome"], note=data["note"], by=request.user, today=today
            )
        except NotAllowedNow:  # the form checked the day; a date changed meanwhile lands here
            form.add_error("outcome", f"Utfallet kan registreras från mötesdagen, {meeting.date:%Y-%m-%d}.")
            status = 409
        else:
            if recorded:
                messages.success(request, "Utfallet är registrerat.")
            else:
                messages.info(request, "Utfallet var redan registrerat och har inte ändrats.")
            return redirect("referrals:info_meeting", pk=meeting.pk)
    referral = meeting.referral
    context = {
        "meeting": meeting,
        "referral": referral,
        "form": form,
        "may_record": may_record,
        "letters": list(meeting.letters.all()) if may_record else [],
        # "Vill börja" and still ready: the enrolment form is one click away, filled in from the referral.
        "may_enrol": may_record
        and meeting.outcome == InformationMeeting.Outcome.WANTS_TO_START
        and referral.status == Referral.Status.READY,
    }
    return render(request, "referrals/meetings/info_meeting.html", context, status=status)


urlpatterns = [
    path("moten/", meeting_list, name="meetings"),
    path("moten/nytt/", meeting_new, name="meeting_new"),
    path("moten/<int:pk>/", meeting_detail, name="meeting"),
    path("moten/<int:pk>/narvaro/", meeting_attendance, name="meeting_attendance"),
    path("moten/<int:pk>/protokoll/", minutes, name="minutes"),
    path("moten/punkt/<int:item_pk>/beslut/", decide, name="decide"),
    path("<int:referral_pk>/informationsmote/nytt/", info_meeting_new, name="info_meeting_new"),
    path("informationsmote/<int:pk>/", info_meeting, name="info_meeting"),
]
