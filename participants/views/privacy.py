"""The person's consent and protected identity, and the handover of a deactivated user's work
(docs/decisions/0019-consent-and-protected-identity.md).

Consent: recorded or withdrawn by the team's coordinators and the enrolment's handledare; someone who
may see the referral but not this gets the 403 page, anyone else a 404. Protected identity: set by
whoever may change the enrolment, removed by a coordinator. Handover ("Flytta alla"): coordinators of
a team in which the deactivated user left work; others get a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from ist.audit.recording import get_allowed_or_403, record_access
from ist.errors import StaleEdit
from ist.http import AuthenticatedHttpRequest
from ist.stale import STALE_MESSAGE, rebind
from participants import forms, privacy, selectors, services
from participants.models import Enrollment
from referrals.models import ConsentHow, Referral
from referrals.selectors import referrals_for
from teams.access import teams_where
from teams.models import User

if TYPE_CHECKING:
    from django.http import HttpResponse

CONSENT = "participants/privacy/consent.html"
HANDOVER = "participants/privacy/handover.html"
REFUSAL = "Bara teamets koordinator och deltagarens handledare ändrar samtycket."


def _referral(request: AuthenticatedHttpRequest, pk: int) -> Referral:
    return get_allowed_or_403(
        request,
        selectors.consent_editable(request.user),
        referrals_for(request.user, "view"),
        what="samtycke",
        refusal=REFUSAL,
        pk=pk,
    )


def _back(referral: Referral) -> HttpResponse:
    enrollment = Enrollment.objects.filter(referral=referral).only("pk").first()
    if enrollment is not None:
        return redirect("participants:detail", enrollment.pk)
    return redirect("referrals:detail", referral.pk)


def _consent_context(referral: Referral, **forms_: Any) -> dict[str, Any]:
    initial = {
        "given_on": referral.consent_date or timezone.localdate(),
        "how": referral.consent_how or ConsentHow.WRITTEN,
        "scope_referrer": referral.consent_scope_referrer,
        "scope_kinds": referral.consent_scope_kinds,
        "note": referral.consent_scope,
        "version": referral.version,
    }
    return {
        "referral": referral,
        "form": forms_.get("form") or forms.ConsentForm(initial=initial),
        "withdraw_form": forms_.get("withdraw_form")
        or forms.ConsentWithdrawForm(initial={"withdrawn_on": timezone.localdate(), "version": referral.version}),
        "stale": forms_.get("stale", ""),
    }


@require_http_methods(["GET", "POST"])
def consent(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    """Record the consent in force (given, how, scope); a narrower scope revokes what is outside it."""
    referral = _referral(request, referral_pk)
    if request.method != "POST":
        return render(request, CONSENT, _consent_context(referral))
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        return render(request, CONSENT, _consent_context(referral, form=form))
    data = form.cleaned_data
    try:
        changed = privacy.consent_record(
            referral=referral,
            by=request.user,
            given_on=data["given_on"],
            how=data["how"],
            scope_referrer=data["scope_referrer"],
            scope_kinds=data["scope_kinds"],
            note=data["note"],
            expected_version=data["version"],
        )
    except StaleEdit:
        current = _referral(request, referral_pk)
        form = rebind(forms.ConsentForm, request, version=current.version, note=False)
        context = _consent_context(current, form=form, stale=STALE_MESSAGE)
        return render(request, CONSENT, context, status=409)
    if changed:
        messages.success(request, "Samtycket är sparat. Dokument lämnas bara till parter som det omfattar.")
    else:
        messages.info(request, "Inget ändrades: samtycket var redan så.")
    return _back(referral)


@require_POST
def consent_withdraw(request: AuthenticatedHttpRequest, referral_pk: int) -> HttpResponse:
    """The person withdraws their consent: every grant outside IST is revoked, the handledare told."""
    referral = _referral(request, referral_pk)
    form = forms.ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return render(request, CONSENT, _consent_context(referral, withdraw_form=form))
    try:
        changed = privacy.consent_withdraw(
            referral=referral,
            by=request.user,
            withdrawn_on=form.cleaned_data["withdrawn_on"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleEdit:
        current = _referral(request, referral_pk)
        withdraw_form = rebind(forms.ConsentWithdrawForm, request, version=current.version, note=False)
        context = _consent_context(current, withdraw_form=withdraw_form, stale=STALE_MESSAGE)
        return render(request, CONSENT, context, status=409)
    if changed:
        messages.success(request, "Samtycket är återkallat. Inga dokument lämnas längre utanför IST.")
    else:
        messages.info(request, "Samtycket var redan återkallat. Inget ändrades.")
    return _back(referral)


@require_POST
def protect(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """Set protected identity (whoever may change the enrolment) or remove it (a coordinator)."""
    user = request.user
    enrollment = get_allowed_or_403(
        request,
        selectors.enrollments_for(user, "change"),
        selectors.enrollments_for(user, "view"),
        what="skyddade personuppgifter",
        refusal="Bara deltagarens handledare och teamets koordinator markerar skyddade personuppgifter.",
        pk=enrollment_pk,
    )
    protected = request.POST.get("protected") == "1"
    if not protected and not selectors.enrollments_for(user, "manage").filter(pk=enrollment.pk).exists():
        raise PermissionDenied("Bara teamets koordinator tar bort markeringen skyddade personuppgifter.")
    changed = privacy.identity_set(participant=enrollment.participant, protected=protected, by=user)
    if changed and protected:
        messages.success(request, "Skyddade personuppgifter är markerade. Delade dokument är återkallade.")
    elif changed:
        messages.success(request, "Markeringen skyddade personuppgifter är borttagen.")
    else:
        messages.info(request, "Inget ändrades.")
    return redirect("participants:detail", enrollment.pk)


def _handover_teams(request: AuthenticatedHttpRequest, user_pk: int) -> tuple[User, dict[int, Any], dict[int, Any]]:
    """The deactivated user and, per team the coordinator manages, what they left behind; 404 when
    the user is active, unknown, or left nothing in the coordinator's teams."""
    teams = {t.pk: t for t in teams_where(request.user, action="manage")}
    person = User.objects.filter(pk=user_pk, is_active=False).first()
    if person is None or not teams:
        raise Http404
    work = selectors.left_behind(person, team_ids=list(teams), today=timezone.localdate())
    if not any(w.enrollments or w.info_meetings for w in work.values()):
        raise Http404
    return person, teams, work


@require_http_methods(["GET", "POST"])
def handover(request: AuthenticatedHttpRequest, user_pk: int) -> HttpResponse:
    """What a deactivated user left without a responsible person, per team, and "Flytta alla"."""
    person, teams, work = _handover_teams(request, user_pk)
    raw_team = request.POST.get("team", "") if request.method == "POST" else ""
    posted_team = int(raw_team) if raw_team.isdigit() else 0  # anything else matches no team: 404 below
    sections = []
    for team_id, left in sorted(work.items(), key=lambda kv: teams[kv[0]].name):
        if not (left.enrollments or left.info_meetings):
            continue
        handledare = selectors.handledare_of(team_id).exclude(pk=person.pk)
        data = request.POST if posted_team == team_id else None
        form = forms.HandoverForm(data, handledare=handledare, prefix=f"team-{team_id}")
        sections.append({"team": teams[team_id], "left": left, "form": form})
    record_access(request, [e for s in sections for e in s["left"].enrollments], what="överlämning")
    if request.method == "POST":
        section = next((s for s in sections if s["team"].pk == posted_team), None)
        if section is None:
            raise Http404
        if section["form"].is_valid():
            to = section["form"].cleaned_data["to"]
            moved, meetings = services.handover(user=person, team_id=posted_team, to=to, by=request.user)
            messages.success(
                request,
                f"{moved} deltagare och {meetings} informationsmöten flyttade till {to.get_full_name()}. "
                f"{to.get_full_name()} får ett e-postmeddelande.",
            )
            return redirect("participants:caseload")
    return render(request, HANDOVER, {"person": person, "sections": sections})


urlpatterns = [
    path("samtycke/<int:referral_pk>/", consent, name="consent"),
    path("samtycke/<int:referral_pk>/aterkalla/", consent_withdraw, name="consent_withdraw"),
    path("<int:enrollment_pk>/skyddade-personuppgifter/", protect, name="protect"),
    path("overlamning/<int:user_pk>/", handover, name="handover"),
]
