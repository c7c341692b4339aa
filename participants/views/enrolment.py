"""Enrolment and the participant page: referrals ready for enrolment, enrolling the person, the
participant page, the participant list ("Mina deltagare" for a referrer) and a coordinator's
correction of the person's details.

Who may do what here: coordinators (team role "koordinator"; the manage scope) enrol and correct.
The team's handledare and coordinators read the participant page and the list; the referrer of an
enrolment reads a limited participant page (summary, phase, fulfilment, contacts) and their list.
A person with protected identity is visible only to their own handledare and the coordinators:
the selectors leave them out for everyone else, so they are a 404 here.
"""

from __future__ import annotations

from copy import copy  # a ModelForm writes into its instance: the page keeps showing what is saved
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from ist import offers, personnummer
from ist.audit.recording import get_allowed_or_403, get_visible_or_404, record_access
from ist.errors import NotAllowedNow, StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.questionnaires.panel import panel_context as questionnaire_panel
from ist.stale import STALE_MESSAGE
from ist.web import form_token, query_date, render_page_or_partial, whole_number
from participants import rules, selectors, services
from participants.documents import forms as document_forms
from participants.documents import selectors as documents_selectors
from participants.forms import EnrollForm, ParticipantCorrectionForm
from participants.models import Enrollment, Participant, new_form_token
from referrals.models import Referral
from referrals.person_history import EMPTY, person_history, record_history
from referrals.selectors import referrals_for
from teams.access import team_ids_where

if TYPE_CHECKING:
    from django.http import HttpResponse


PAGE_SIZE = 25
ACTIVITIES_SHOWN = 20
CHART_WEEKS = 12
SHORT_WEEKS = 4
READY = "participants/enrolment/ready.html"
ENROLL = "participants/enrolment/enroll.html"
DETAIL = "participants/enrolment/detail.html"
CORRECT = "participants/enrolment/correct.html"
LIST = "participants/enrolment/list.html"
ACTIVE_ELSEWHERE = (
    "Personen har redan en pågående inskrivning i IST och kan inte skrivas in igen förrän den är avslutad."
)


# -- Helpers ----------------------------------------------------------------------------


def _managed_referral(request: AuthenticatedHttpRequest, pk: int) -> Referral:
    """The referral if the user coordinates its team (read logged); 403 if they may only see it; else 404."""
    return get_allowed_or_403(
        request,
        referrals_for(request.user, "manage"),
        referrals_for(request.user),
        what="inskrivning",
        refusal="Bara teamets koordinator skriver in deltagare.",
        pk=pk,
    )


# -- Ready for enrolment ----------------------------------------------------------------


@require_safe
def ready(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Referrals of the coordinator's teams whose information meeting ended in "wants to start"."""
    if not team_ids_where(request.user, action="manage"):
        raise PermissionDenied("Bara teamkoordinatorer skriver in deltagare.")
    page = Paginator(selectors.ready_for_enrolment(request.user), PAGE_SIZE).get_page(request.GET.get("sida"))
    record_access(request, page.object_list, what="att skriva in")
    return render(request, READY, {"page": page})


# -- Enrolling --------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """What the system works out from the personnummer: shown, not typed."""

    sex: str
    birth_year: int | None
    age: int | None
    start: date
    target_end: date | None


def derive(referral: Referral, start: date) -> Derived:
    try:
        identity = personnummer.parse(referral.personnummer)
    except ValidationError:
        return Derived("–", None, None, start, None)
    age = identity.age_on(start)
    sex = Participant.Sex.MALE.label if identity.male else Participant.Sex.FEMALE.label
    return Derived(str(sex), identity.birth_date.year, age, start, rules.target_end(start, age))


def _problem(request: AuthenticatedHttpRequest, referral: Referral) -> tuple[str, Enrollment | None]:
    """Why the referral cannot be enrolled now (and its enrolment, if that is why); ("", None) if it can."""
    existing = selectors.enrollments_for(request.user, "manage").filter(referral=referral).first()
    if existing is not None:
        return "Remissen är redan inskriven.", existing
    if referral.status != Referral.Status.READY:
        return (
            f"Remissen är inte redo för inskrivning: den har status {referral.get_status_display().lower()}. "
            "Inskrivning görs när informationsmötet har slutat med att personen vill börja.",
            None,
        )
    return "", None


def _start_from(request: AuthenticatedHttpRequest, form: EnrollForm) -> date:
    if form.is_bound:
        form.is_valid()  # cleaned_data holds the fields that were valid, even if others were not
        return form.cleaned_data.get("start_date") or timezone.localdate()
    return query_date(request, "start_date", default=timezone.localdate())


def enroll(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    """GET: the enrolment form (htmx with ?start_date=: the derived facts). POST: enrol, then the participant page.

    The page shows the person's earlier stays and referrals, and offers an earlier referral's contact
    details beside the form; a POST from "Använd" (ist/offers.py) shows the form again with that field
    filled and enrols nobody (docs/decisions/0031)."""
    referral = _managed_referral(request, referral_pk)
    if referral.team_id is None:  # a referral the user manages is their team's
        raise Http404
    handledare = selectors.handledare_of(referral.team_id)
    initial = {
        "start_date": timezone.localdate(),
        "phone": referral.phone,
        "email": referral.email,
        "address": referral.address,
    }
    # The derived facts (htmx, start date changed) need no history.
    history = (
        EMPTY if request.htmx else person_history(request.user, referral.personnummer, exclude_referral=referral.pk)
    )
    form = EnrollForm(request.POST or None, handledare=handledare, initial=initial)
    if request.method == "POST" and offers.asked(request.POST):
        offered = history.offer.values() if history.offer else {}
        form = offers.unchecked(EnrollForm(offers.used(request.POST, offered), handledare=handledare, initial=initial))
    form.fields["start_date"].widget.attrs.update(
        {
            "hx-get": reverse("participants:enroll", args=[referral.pk]),
            "hx-trigger": "change",
            "hx-target": "#derived",
            "hx-swap": "outerHTML",
            "aria-describedby": "derived",
        }
    )
    token = form_token(request) if request.method == "POST" else new_form_token()
    status = 200
    problem, existing = "", None
    if request.method == "POST" and not offers.asked(request.POST) and form.is_valid():
        data = form.cleaned_data
        try:
            enrollment = services.enroll(
                referral=referral,
                responsible=data["responsible"],
                second_contact=data["second_contact"],
                start_date=data["start_date"],
                by=request.user,
                entry=form.entry_values(),
                contact=form.contact_values(),
                form_token=token,
            )
        except NotAllowedNow:
            referral.refresh_from_db()
            problem, existing = _problem(request, referral)
            problem, status = problem or ACTIVE_ELSEWHERE, 409
        else:
            messages.success(request, f"{enrollment.participant} är inskriven och börjar i Prova på.")
            return redirect("participants:detail", enrollment_pk=enrollment.pk)
    else:
        problem, existing = _problem(request, referral)
        if problem and request.method == "POST":
            status = 409
    record_history(request, history, referral.personnummer)
    current = {name: form.current(name) for name in ("phone", "email", "address")}
    context = {
        "referral": referral,
        "form": form,
        "form_token": token,
        "derived": derive(referral, _start_from(request, form)),
        "problem": problem,
        "existing": existing,
        "history": history,
        "offer": history.offer.besides(current) if history.offer else None,
    }
    return render_page_or_partial(request, ENROLL, "derived", context, status=status)


# -- The participant page ---------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    label: str
    percent: int | None
    required: float
    met: float
    x: int
    cx: int  # the middle, for the week label
    y: int
    height: int
    state: str  # green / amber / red / none: a CSS class and a word in the table


CHART_HEIGHT = 100  # px for 100 %
BAR_WIDTH = 28
BAR_GAP = 12
CHART_TOP = 10
FULL, HALF = 100, 50  # % of the week's requirement: green at the whole, amber from half


def _state(percent: int | None) -> str:
    if percent is None:
        return rules.NONE
    if percent >= FULL:
        return rules.GREEN
    return rules.AMBER if percent >= HALF else rules.RED


def _share(weeks: list[dict[str, Any]]) -> int | None:
    required = sum(float(w["required"]) for w in weeks)
    met = sum(float(w["met"]) for w in weeks)
    return round(100 * met / required) if required else None


def fulfilment_chart(weeks: list[dict[str, Any]]) -> dict[str, Any]:
    """The bars of the SVG chart (geometry worked out here, so the template has no arithmetic)."""
    bars = []
    for i, week in enumerate(weeks):
        percent = week["percent"]
        height = max(2, min(CHART_HEIGHT, percent or 0)) if percent is not None else 2
        bars.append(
            Bar(
                label=str(week["label"]),
                percent=percent,
                required=float(week["required"]),
                met=float(week["met"]),
                x=BAR_GAP + i * (BAR_WIDTH + BAR_GAP),
                cx=BAR_GAP + i * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH // 2,
                y=CHART_TOP + CHART_HEIGHT - height,
                height=height,
                state=_state(percent),
            )
        )
    return {
        "bars": bars,
        "width": BAR_GAP + len(bars) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_TOP + CHART_HEIGHT + 24,
        "baseline": CHART_TOP + CHART_HEIGHT,
        "full_y": CHART_TOP,
        "label_y": CHART_TOP + CHART_HEIGHT + 16,
        "bar_width": BAR_WIDTH,
        "short": _share(weeks[-SHORT_WEEKS:]),
        "long": _share(weeks),
        "state_labels": rules.STATUS_LABELS,
    }


def _closure_date(enrollment: Enrollment) -> date | None:
    if enrollment.status != Enrollment.Status.CLOSED:
        return None
    try:
        return enrollment.closure.date
    except ObjectDoesNotExist:
        return None


@require_safe
def detail(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """The participant page. Staff see everything; the referrer a read-only summary."""
    user = request.user
    # The closure, the referral and its organisation in the same query as the enrolment (one row each).
    visible = selectors.enrollments_for(user, "view").select_related("closure", "referral__referrer_organisation")
    enrollment = get_visible_or_404(request, visible, what="deltagarsida", pk=enrollment_pk)
    prefetch_related_objects([enrollment], "phase_periods", "extensions")
    staff = selectors.is_staff_for(user, enrollment)
    closed_on = _closure_date(enrollment)
    today = min(timezone.localdate(), closed_on) if closed_on else timezone.localdate()
    periods = list(enrollment.phase_periods.all())
    current = next((p for p in periods if p.end is None), None)
    weeks_in_phase = (rules.week_start(today) - rules.week_start(current.start)).days // 7 + 1 if current else 0
    weeks = selectors.fulfilment_by_week(enrollment, weeks=CHART_WEEKS, today=today)
    # The person's earlier and later stays, as this user may see them (docs/decisions/0031).
    history = person_history(
        user,
        enrollment.participant.personnummer,
        exclude_enrollment=enrollment.pk,
        exclude_referral=enrollment.referral_id,
    ).around(enrollment.start_date)
    record_history(request, history, enrollment.participant.personnummer)
    context: dict[str, Any] = {
        "history": history,
        "enrollment": enrollment,
        "participant": enrollment.participant,
        "referral": enrollment.referral,
        "staff": staff,
        "pnr": personnummer.formatted(enrollment.participant.personnummer)
        if staff
        else enrollment.participant.personnummer_masked,
        "closed_on": closed_on,
        "current": current,
        "last_period": periods[-1] if periods else None,
        "weeks_in_phase": max(1, weeks_in_phase) if current else 0,
        "chart": fulfilment_chart(weeks),
        # staff: every document of the enrolment; the referrer and parties: what was delivered to them
        "documents": documents_selectors.documents_of(enrollment, user),
        "can_change": False,
        "can_manage": False,
    }
    if staff:
        context |= {
            "can_change": selectors.enrollments_for(user, "change").filter(pk=enrollment.pk).exists(),
            "can_manage": selectors.enrollments_for(user, "manage").filter(pk=enrollment.pk).exists(),
            "activities": enrollment.activities.select_related("logged_by", "kind").order_by("-date", "-pk")[
                :ACTIVITIES_SHOWN
            ],
            "follow_ups": rules.follow_up_rows(list(enrollment.follow_ups.all()), today=timezone.localdate()),
            "events": enrollment.events.select_related("by"),
            # Questionnaires and the self-assessment: the handledare and coordinators only (None otherwise).
            "voice": questionnaire_panel(request, enrollment),
            "periods": periods,
            "contacts": list(documents_selectors.contacts_of(enrollment)),
        }
        if context["can_change"]:
            # After a failed add without JavaScript: what was typed, and the matches to choose from.
            typed = request.GET if "user_q" in request.GET else None
            context["contact_form"] = document_forms.ContactForm(typed, people=document_forms.contact_candidates())
        if enrollment.referral_id and selectors.consent_editable(user).filter(pk=enrollment.referral_id).exists():
            context["consent_url"] = reverse("participants:consent", args=[enrollment.referral_id])
    return render(request, DETAIL, context)


# -- Correcting the person's details ----------------------------------------------------


def correct(request: AuthenticatedHttpRequest, participant_pk: int) -> HttpResponse:
    """A coordinator corrects sex, birth year, contact details, municipality and protected identity."""
    manageable = selectors.enrollments_for(request.user, "manage").order_by("-start_date")
    if (
        not manageable.filter(participant_id=participant_pk).exists()
        and selectors.enrollments_for(request.user).filter(participant_id=participant_pk).exists()
    ):
        raise PermissionDenied("Bara teamets koordinator rättar personuppgifter.")
    enrollment = get_visible_or_404(request, manageable, what="rätta personuppgifter", participant_id=participant_pk)
    participant = enrollment.participant
    form = ParticipantCorrectionForm(request.POST or None, instance=copy(participant))
    version = participant.version
    status = 200
    if request.method == "POST" and form.is_valid():
        changed = form.has_changed()
        posted_version = whole_number(request.POST.get("version", ""))
        try:
            if changed:
                services.participant_correct(
                    participant=participant,
                    by=request.user,
                    values=form.service_values(),
                    expected_version=-1 if posted_version is None else posted_version,
                )
        except StaleEdit:
            messages.error(request, STALE_MESSAGE)
            status = 409  # the page carries the saved version now: "save again" applies to it
        else:
            messages.success(request, "Personuppgifterna är rättade." if changed else "Inget ändrades.")
            return redirect("participants:detail", enrollment_pk=enrollment.pk)
    context = {"participant": participant, "enrollment": enrollment, "form": form, "version": version}
    return render(request, CORRECT, context, status=status)


# -- The list ---------------------------------------------------------------------------


class ListFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Visa",
        required=False,
        choices=[("active", "Pågående"), ("closed", "Avslutade"), ("all", "Alla")],
    )
    namn = forms.CharField(label="Sök på namn", required=False, max_length=100)


@require_safe
def participant_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Staff: their teams' participants. A referrer: "Mina deltagare", the enrolments of what they referred."""
    user = request.user
    staff_teams = team_ids_where(user, action="view")
    staff = bool(staff_teams)
    if not staff and not user.is_referrer:
        raise PermissionDenied("Deltagarlistan är för teamens handledare och koordinatorer och för inremittenter.")
    form = ListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    enrollments = selectors.enrollments_for(user, "view")
    # A referrer's "Mina deltagare" also lists the documents delivered to them (one prefetch query).
    enrollments = enrollments.filter(team__in=staff_teams) if staff else documents_selectors.referred_enrollments(user)
    status = filters.get("status") or "active"
    if status != "all":
        enrollments = enrollments.filter(status=status)
    for word in (filters.get("namn") or "").split():
        enrollments = enrollments.filter(
            Q(participant__first_name__icontains=word) | Q(participant__last_name__icontains=word)
        )
    enrollments = enrollments.order_by("participant__last_name", "participant__first_name", "-start_date")
    page = Paginator(enrollments, PAGE_SIZE).get_page(request.GET.get("sida"))
    rows = list(page.object_list)
    record_access(request, rows, what="deltagarlista")
    phases = selectors.current_phases([e.pk for e in rows])
    query = request.GET.copy()
    query.pop("sida", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(e, phases.get(e.pk)) for e in rows],
        "staff": staff,
        "status": status,
        "query": query.urlencode(),
        "may_enrol": bool(team_ids_where(user, action="manage")),
    }
    return render_page_or_partial(request, LIST, "results", context)


urlpatterns = [
    path("", participant_list, name="list"),
    path("att-skriva-in/", ready, name="ready"),
    path("skriv-in/<int:referral_pk>/", enroll, name="enroll"),
    path("<int:enrollment_pk>/", detail, name="detail"),
    path("person/<int:participant_pk>/ratta/", correct, name="correct"),
]
