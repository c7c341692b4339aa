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
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from ist.audit.recording import get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.pdf.storage import read_verified
from ist.stale import STALE_MESSAGE
from ist.web import form_token, whole_number
from referrals import meetings, selectors, services
from referrals.forms import (
    AttendanceFormSet,
    DecisionForm,
    InfoMeetingForm,
    MeetingForm,
    MembersForm,
    MinutesForm,
    OutcomeForm,
)
from referrals.minutes import items_of
from referrals.models import AgendaItem, InformationMeeting, Referral, TeamMeeting, new_form_token
from teams.access import team_ids_where, teams_where
from teams.models import Organisation

PAGE_SIZE = 25
MEETING = "referrals/meetings/meeting.html"
ALREADY_DECIDED = "Beslut redan fattat. Beslutet nedan gäller och har inte ändrats."
NOT_ACCEPTED = "Informationsmöte kan bara bokas för en remiss som teamet har antagit."
KIND_LABELS = dict(Organisation.Kind.choices)
AGENDA_STALE = (
    "Någon annan har ändrat dagordningen medan du hade sidan öppen. Dagordningen nedan är den som gäller nu; "
    "gör om det som fortfarande behövs."
)


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
    return [item.subject for item in items]


def _attendance_forms(meeting: TeamMeeting, data: Any = None) -> tuple[MembersForm, Any]:
    """The registered members as checkboxes and free-text rows for anyone else. Before anything is
    saved every member is ticked: teams mostly meet in full, unticking the absent is quicker
    (docs/decisions/0033)."""
    saved = list(meeting.attendances.all())
    members = meetings.members_of(meeting.team_id)
    if data is not None:
        return MembersForm(data, members=members), AttendanceFormSet(data, prefix="attendance")
    ticked = [a.member_id for a in saved if a.member_id] if saved else [user.pk for user in members]
    rows = [{"organisation_kind": a.organisation_kind, "name": a.name} for a in saved if not a.member_id]
    # Two blank rows as initial data plus the formset's two extra: room for one per partner.
    others = AttendanceFormSet(initial=[*rows, {}, {}], prefix="attendance")
    return MembersForm(initial={"members": ticked}, members=members), others


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: TeamMeeting,
    *,
    attendance: tuple[MembersForm, Any] | None = None,
    bound: tuple[int, DecisionForm] | None = None,
    minutes_form: MinutesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole meeting page; `attendance`, `bound` (item pk, form) or `minutes_form` carry a submit with errors."""
    coordinates = _runs(request.user, meeting)
    runs = coordinates and not meeting.approved
    bound_pk, bound_form = bound or (None, None)
    items = [_prepare(item, runs, bound_form if item.pk == bound_pk else None) for item in selectors.agenda_of(meeting)]
    record_access(request, _subjects(items), what="dagordning")
    context: dict[str, Any] = {
        "meeting": meeting,
        "items": items,
        "runs": runs,
        "coordinates": coordinates,
        "decisions_open": meetings.decisions_open(meeting),
        "not_before": meetings.not_before_message(meeting),
    }
    if runs:
        from participants.views.agenda import meeting_enrollment_form  # participants builds on referrals

        members, others = attendance or _attendance_forms(meeting)
        typed = {
            key: request.GET[key]
            for key in ("deltagare-enrollment_q", "deltagare-reason", "deltagare-note")
            if key in request.GET
        }
        context |= {
            "members_form": members,
            "attendance": others,
            "next_meeting": meetings.next_meeting(meeting),
            "add_form": meeting_enrollment_form(request.user, team_id=meeting.team_id, data=typed or None),
            "minutes_form": minutes_form or _minutes_form(meeting),
        }
    return render(request, MEETING, context, status=status)


def _minutes_form(meeting: TeamMeeting, data: Any = None) -> MinutesForm:
    attendees = list(meeting.attendances.values_list("name", flat=True))
    initial = {"version": meeting.version, "minute_taker": meeting.minute_taker, "adjuster": meeting.adjuster}
    return MinutesForm(data, attendees=attendees, initial=initial, prefix="protokoll")


def _meeting_to_run(request: AuthenticatedHttpRequest, pk: int, what: str) -> TeamMeeting:
    """The meeting if the user coordinates its team (read logged); 403 for a member; 404 otherwise."""
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what=what, pk=pk)
    if not _runs(request.user, meeting):
        raise PermissionDenied
    return meeting


def _refused(
    request: AuthenticatedHttpRequest, meeting: TeamMeeting, refused: NotAllowedNow, anchor: str = ""
) -> HttpResponse:
    messages.error(request, str(refused) or "Det går inte längre att ändra det här.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + anchor)


# -- Samverkansteam meetings ---------------------------------------------------------------------


@require_safe
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upcoming (or, with ?visa=tidigare, past) meetings of the user's samverkansteam."""
    if not team_ids_where(request.user, action="consult"):
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
        "may_create": bool(team_ids_where(request.user, action="manage")),
    }
    return render(request, "referrals/meetings/list.html", context)


def meeting_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not team_ids_where(request.user, action="manage"):
        raise PermissionDenied
    teams = teams_where(request.user, action="manage")
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
    meeting = _meeting_to_run(request, pk, "närvaro")
    members, others = _attendance_forms(meeting, request.POST)
    if not (members.is_valid() and others.is_valid()):
        return _meeting_page(request, meeting, attendance=(members, others))
    rows = [(row["organisation_kind"], row["name"].strip()) for row in others.cleaned_data if row.get("name")]
    try:
        meetings.attendance_record(
            meeting=meeting,
            members=list(members.cleaned_data["members"]),
            others=rows,
            expected_version=whole_number(request.POST.get("version", "")),
        )
    except StaleEdit:
        meeting.refresh_from_db()  # the page shows the saved list's version: "save again" applies to it
        messages.error(request, STALE_MESSAGE)
        return _meeting_page(request, meeting, attendance=(members, others), status=409)
    except NotAllowedNow as refused:
        return _refused(request, meeting, refused, "#narvaro")
    messages.success(request, "Närvaron är sparad.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#narvaro")


@require_POST
def agenda_move(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """ "Flytta upp" / "Flytta ned": the item to the position the button names (a double submit
    finds it there already)."""
    meeting = _meeting_to_run(request, pk, "dagordning")
    to_index = whole_number(request.POST.get("till", ""))
    if to_index is None:
        messages.error(request, "Välj flytta upp eller flytta ned.")
        return redirect("referrals:meeting", pk=meeting.pk)
    try:
        moved = meetings.agenda_move(
            meeting=meeting,
            item_id=item_pk,
            to_index=to_index,
            expected_version=whole_number(request.POST.get("version", "")),
        )
    except StaleEdit:
        meeting.refresh_from_db()
        messages.error(request, AGENDA_STALE)
        return _meeting_page(request, meeting, status=409)
    except NotAllowedNow as refused:
        return _refused(request, meeting, refused)
    messages.success(request, "Punkten är flyttad." if moved else "Punkten låg redan där. Inget har ändrats.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + f"#punkt-{item_pk}")


@require_POST
def agenda_remove(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk, "dagordning")
    try:
        removed = meetings.agenda_remove(
            meeting=meeting, item_id=item_pk, expected_version=whole_number(request.POST.get("version", ""))
        )
    except StaleEdit:
        meeting.refresh_from_db()
        messages.error(request, AGENDA_STALE)
        return _meeting_page(request, meeting, status=409)
    except NotAllowedNow as refused:
        return _refused(request, meeting, refused)
    messages.success(request, "Punkten är borttagen från dagordningen." if removed else "Punkten var redan borttagen.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#agenda-heading")


@require_POST
def agenda_next(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    meeting = _meeting_to_run(request, pk, "dagordning")
    try:
        target = meetings.agenda_to_next(
            meeting=meeting, item_id=item_pk, expected_version=whole_number(request.POST.get("version", ""))
        )
    except StaleEdit:
        meeting.refresh_from_db()
        messages.error(request, AGENDA_STALE)
        return _meeting_page(request, meeting, status=409)
    except NotAllowedNow as refused:
        return _refused(request, meeting, refused)
    if target is None:
        messages.info(request, "Punkten var redan flyttad.")
    else:
        messages.success(request, f"Punkten är flyttad till mötet {target.date:%Y-%m-%d}.")
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#agenda-heading")


def _record(item: AgendaItem, form: DecisionForm, by: Any) -> bool | None:
    """The decide service for the item's kind: an enrolment's is participants.agenda's. None when the
    extension's dates are refused (the message is put beside the field)."""
    data = form.cleaned_data
    if item.enrollment_id:
        from participants import agenda  # participants builds on referrals
        from participants import services as participant_services

        try:
            return agenda.enrollment_decide(
                item=item, by=by, decision=data["decision"], reasoning=data["reasoning"], new_end=data.get("new_end")
            )
        except participant_services.InvalidActivity as invalid:
            form.add_error(invalid.field if invalid.field in form.fields else None, invalid.message)
            return None
    return services.agenda_decide(item=item, by=by, decision=data["decision"], reasoning=data["reasoning"])


@require_POST
def decide(request: AuthenticatedHttpRequest, item_pk: int) -> HttpResponse:
    """Record the decision on one agenda item; via htmx only that item comes back."""
    item = get_visible_or_404(request, selectors.agenda_items_for(request.user, "consult"), what="beslut", pk=item_pk)
    if not _runs(request.user, item.meeting):
        raise PermissionDenied
    bound = DecisionForm(request.POST, item=item, prefix=f"punkt-{item.pk}")
    form: DecisionForm | None = bound
    notice = ""
    if item.decision:
        notice, form = ALREADY_DECIDED, None
    elif not meetings.decisions_open(item.meeting) or item.meeting.approved:
        bound.is_valid()
        notice = meetings.not_before_message(item.meeting) if not item.meeting.approved else meetings.LOCKED
        bound.add_error(None, notice)
    elif bound.is_valid():
        try:
            recorded = _record(item, bound, request.user)
        except NotAllowedNow as refused:
            bound.add_error(None, str(refused) or "Beslutet kan inte registreras nu.")
        else:
            if recorded is not None:
                notice = "" if recorded else ALREADY_DECIDED
                item = selectors.agenda_items_for(request.user, "consult").get(pk=item.pk)
                form = None
    if not request.htmx:
        if form is not None:
            return _meeting_page(request, item.meeting, bound=(item.pk, form), status=409 if notice else 200)
        messages.info(request, notice or "Beslutet är registrerat.")
        return redirect(reverse("referrals:meeting", kwargs={"pk": item.meeting_id}) + f"#punkt-{item.pk}")
    context = {
        "item": _prepare(item, True, form),
        "runs": True,
        "coordinates": True,
        "notice": notice if form is None else "",
        "decisions_open": meetings.decisions_open(item.meeting),
        "meeting": item.meeting,
    }
    return render(request, f"{MEETING}#agenda-item", context)


@require_safe
def minutes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Printable minutes: attendance per organisation, every item with decision and reasoning, the justering."""
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="protokoll", pk=pk)
    items = items_of(meeting)
    record_access(request, _subjects(items), what="protokoll")
    context = {"meeting": meeting, "items": items, "attendances": meeting.attendances.all(), "viewer": None}
    return render(request, "referrals/meetings/minutes.html", context)


@require_POST
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The justering: protokollförare and justerare chosen among the attendees; locks the meeting."""
    meeting = _meeting_to_run(request, pk, "protokoll")
    if meeting.approved:
        messages.info(request, "Protokollet var redan justerat. Inget har ändrats.")
        return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#protokoll")
    form = _minutes_form(meeting, request.POST)
    if not form.is_valid():
        return _meeting_page(request, meeting, minutes_form=form)
    data = form.cleaned_data
    try:
        approved = meetings.minutes_approve(
            meeting=meeting,
            minute_taker=data["minute_taker"],
            adjuster=data["adjuster"],
            by=request.user,
            expected_version=data["version"],
        )
    except StaleEdit:
        meeting.refresh_from_db()
        form = _minutes_form(meeting, request.POST)
        form.is_valid()
        form.add_error(None, "Mötet har ändrats sedan du öppnade sidan. Läs igenom protokollet igen innan du justerar.")
        return _meeting_page(request, meeting, minutes_form=form, status=409)
    except NotAllowedNow as refused:
        form.add_error(None, str(refused))
        return _meeting_page(request, meeting, minutes_form=form, status=409)
    messages.success(
        request,
        "Protokollet är justerat. PDF:en arkiveras om en liten stund."
        if approved
        else "Protokollet var redan justerat.",
    )
    return redirect(reverse("referrals:meeting", kwargs={"pk": meeting.pk}) + "#protokoll")


@require_safe
def minutes_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The archived minutes as they were rendered (SHA-256 checked); 404 until the task has made them."""
    meeting = get_visible_or_404(request, selectors.meetings_for(request.user, "consult"), what="protokoll-pdf", pk=pk)
    if not meeting.minutes_sha256:
        raise Http404("Protokollet är inte arkiverat ännu.")
    record_access(request, _subjects(list(selectors.agenda_of(meeting))), what="protokoll-pdf")
    content = read_verified(meeting.minutes_pdf, meeting.minutes_sha256)
    if content is None:
        raise Http404("Den arkiverade filen stämmer inte med det som registrerades.")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{meeting.date:%Y-%m-%d}.pdf"'
    return response


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
    path("moten/<int:pk>/protokoll/justering/", minutes_approve, name="minutes_approve"),
    path("moten/<int:pk>/protokoll.pdf", minutes_pdf, name="minutes_pdf"),
    path("moten/<int:pk>/punkt/<int:item_pk>/flytta/", agenda_move, name="agenda_move"),
    path("moten/<int:pk>/punkt/<int:item_pk>/ta-bort/", agenda_remove, name="agenda_remove"),
    path("moten/<int:pk>/punkt/<int:item_pk>/nasta-mote/", agenda_next, name="agenda_next"),
    path("moten/punkt/<int:item_pk>/beslut/", decide, name="decide"),
    path("<int:referral_pk>/informationsmote/nytt/", info_meeting_new, name="info_meeting_new"),
    path("informationsmote/<int:pk>/", info_meeting, name="info_meeting"),
]
