"""The participant on the samverkansteam's agenda (issue 18): the coordinator or the participant's
handledare puts the enrolment on an upcoming meeting with a reason, and sees the team's decisions.

Who: whoever may change the enrolment (the team's coordinators; the responsible handledare or second
contact). A colleague who may only see it gets 403; anyone else 404 (attempt logged).
"""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from ist.audit.recording import get_visible_or_404
from ist.errors import NotAllowedNow
from ist.http import AuthenticatedHttpRequest
from ist.pickers import PersonField, search_view
from participants import agenda, selectors
from participants.forms import AgendaForm, MeetingEnrollmentForm
from participants.models import Enrollment
from participants.views.journey import _enrollment
from referrals import selectors as meeting_selectors
from teams.models import User

AGENDA = "participants/journey/agenda.html"


def enrollment_agenda(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    enrollment = _enrollment(request, enrollment_pk, "change", what="dagordning")
    active = enrollment.status == Enrollment.Status.ACTIVE
    form = AgendaForm(request.POST or None, meetings=agenda.upcoming_meetings(enrollment))
    status = 200
    if request.method == "POST" and not active:
        messages.error(request, agenda.NOT_ACTIVE)
        status = 409
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item, created = agenda.enrollment_to_agenda(
                enrollment=enrollment,
                meeting=data["meeting"],
                reason=data["reason"],
                note=data["note"],
                by=request.user,
            )
        except NotAllowedNow as refused:
            form.add_error("meeting", str(refused) or "Mötet går inte att välja.")
            status = 409
        else:
            when = f"{item.meeting.date:%Y-%m-%d}"
            if created:
                messages.success(request, f"Deltagaren är satt på dagordningen till mötet {when}.")
            else:
                messages.info(request, f"Deltagaren fanns redan på dagordningen till mötet {when}. Inget har ändrats.")
            return redirect("participants:agenda", enrollment_pk=enrollment.pk)
    context = {"enrollment": enrollment, "form": form if active else None, "items": agenda.items_of(enrollment)}
    return render(request, AGENDA, context, status=status)


def meeting_candidates(user: User) -> QuerySet[Enrollment]:
    """Active enrolments a coordinator may put on their teams' meetings (the picker's scope)."""
    return selectors.enrollments_for(user, "manage").filter(status=Enrollment.Status.ACTIVE)


def meeting_enrollment_form(
    user: User, *, team_id: int, data: QueryDict | dict[str, str] | None
) -> MeetingEnrollmentForm:
    """The meeting page's form (referrals.views.meetings shows it to the meeting's coordinators):
    the active enrolments of the meeting's team."""
    return MeetingEnrollmentForm(data, enrollments=meeting_candidates(user).filter(team=team_id), prefix="deltagare")


@require_POST
def meeting_add(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    """From the meeting page: put an enrolment of the meeting's team on its agenda."""
    meeting = get_visible_or_404(
        request, meeting_selectors.meetings_for(request.user, "consult"), what="dagordning", pk=meeting_pk
    )
    if not meeting_selectors.meetings_for(request.user, "manage").filter(pk=meeting.pk).exists():
        raise PermissionDenied
    page = reverse("referrals:meeting", kwargs={"pk": meeting.pk})
    form = meeting_enrollment_form(request.user, team_id=meeting.team_id, data=request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            item, created = agenda.enrollment_to_agenda(
                enrollment=data["enrollment"],
                meeting=meeting,
                reason=data["reason"],
                note=data["note"],
                by=request.user,
            )
        except NotAllowedNow as refused:
            messages.error(request, str(refused) or "Deltagaren kunde inte sättas på dagordningen.")
        else:
            if created:
                messages.success(request, "Deltagaren är satt på dagordningen.")
            else:
                messages.info(request, "Deltagaren fanns redan på dagordningen. Inget har ändrats.")
            return redirect(f"{page}#punkt-{item.pk}")
    else:
        errors = "; ".join(str(e) for field in form.errors.values() for e in field)
        messages.error(request, f"Deltagaren sattes inte på dagordningen: {errors}")
    # Back to the page with what was typed: the picker shows the matches to choose from (no JS).
    typed = {key: request.POST.get(key, "") for key in ("deltagare-enrollment_q", "deltagare-reason", "deltagare-note")}
    return redirect(f"{page}?{urlencode(typed)}#lagg-till-deltagare")


@require_safe
def meeting_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The meeting page's picker matches (htmx): active enrolments of the coordinator's teams by name."""
    candidates = meeting_candidates(request.user)
    if not candidates.exists():
        raise PermissionDenied
    field = cast("PersonField", MeetingEnrollmentForm(enrollments=candidates).fields["enrollment"])
    return search_view(request, field, name="deltagare-enrollment")


urlpatterns = [
    path("<int:enrollment_pk>/samverkansteam/", enrollment_agenda, name="agenda"),
    path("samverkansteam/mote/<int:meeting_pk>/", meeting_add, name="agenda_meeting_add"),
    path("samverkansteam/sok/", meeting_search, name="agenda_search"),
]
