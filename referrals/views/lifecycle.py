"""The end of a referral's life cycle (docs/decisions/0029) and questions that came another way.

Who may do what here:
- withdraw a referral (`withdraw`): its referrer, until the team has decided; anyone else who may
  see the referral gets the 403 page, everyone else a 404;
- close a stalled komplettering (`close_stalled`): the team's coordinators (manage scope), while
  the referral is back with the referrer; 403 for those who only see it, 404 for the rest;
- register a konsultativ fråga that came by phone, visit or letter (`question_register`): coordinators
  of any team, for their teams; 403 for everyone else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from ist.audit.recording import get_allowed_or_403
from ist.errors import NotAllowedNow
from ist.http import AuthenticatedHttpRequest
from ist.web import form_token
from referrals import lifecycle, selectors
from referrals.lifecycle_forms import CloseStalledForm, QuestionRegisterForm, WithdrawForm
from referrals.models import Referral, new_form_token
from teams.access import team_ids_where, teams_where

if TYPE_CHECKING:
    from django.http import HttpResponse

WITHDRAW = "referrals/lifecycle/withdraw.html"
CLOSE_STALLED = "referrals/lifecycle/close_stalled.html"
QUESTION_REGISTER = "referrals/lifecycle/question_register.html"
NOT_NOW = "Remissen kan inte {} längre: den har status {}."


@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: what withdrawing means, and the reason asked for. POST: withdraw. A second POST changes nothing."""
    user = request.user
    referral = get_allowed_or_403(
        request,
        selectors.referrals_for(user).filter(referrer=user),
        selectors.referrals_for(user),
        what="återta remiss",
        refusal="Bara inremittenten kan återta remissen.",
        pk=pk,
    )
    if referral.status == Referral.Status.WITHDRAWN:
        messages.info(request, "Remissen är redan återtagen.")
        return redirect("referrals:detail", pk=pk)
    allowed = referral.status in lifecycle.WITHDRAWABLE
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    context = {"referral": referral, "form": form, "allowed": allowed}
    if not allowed:
        context["notice"] = NOT_NOW.format("återtas", referral.get_status_display().lower())
        return render(request, WITHDRAW, context, status=409 if request.method == "POST" else 200)
    if request.method != "POST" or not form.is_valid():
        return render(request, WITHDRAW, context)
    try:
        lifecycle.referral_withdraw(referral=referral, by=user, reason=form.cleaned_data["reason"])
    except NotAllowedNow:  # decided while the page was open
        referral.refresh_from_db()
        context |= {"allowed": False, "notice": NOT_NOW.format("återtas", referral.get_status_display().lower())}
        return render(request, WITHDRAW, context, status=409)
    messages.success(request, "Remissen är återtagen. Teamets koordinatorer har fått besked.")
    return redirect("referrals:detail", pk=pk)


@require_http_methods(["GET", "POST"])
def close_stalled(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the referral's komplettering and the reason asked for. POST: close it (Återtagen)."""
    referral = get_allowed_or_403(
        request,
        selectors.referrals_for(request.user, "manage"),
        selectors.referrals_for(request.user),
        what="avsluta remiss utan komplettering",
        refusal="Bara teamets koordinator avslutar remissen.",
        pk=pk,
    )
    if referral.status == Referral.Status.WITHDRAWN:
        messages.info(request, "Remissen är redan avslutad.")
        return redirect("referrals:review", pk=pk)
    allowed = referral.status == Referral.Status.NEEDS_INFO
    form = CloseStalledForm(request.POST if request.method == "POST" else None)
    requested = (
        selectors.events_of(referral, for_referrer=False).filter(kind="info_requested").last() if allowed else None
    )
    context = {"referral": referral, "form": form, "allowed": allowed, "requested": requested}
    if not allowed:
        context["notice"] = NOT_NOW.format("avslutas här", referral.get_status_display().lower())
        return render(request, CLOSE_STALLED, context, status=409 if request.method == "POST" else 200)
    if request.method != "POST" or not form.is_valid():
        return render(request, CLOSE_STALLED, context)
    try:
        lifecycle.referral_close_stalled(referral=referral, by=request.user, reason=form.cleaned_data["reason"])
    except NotAllowedNow:  # the referrer sent the komplettering while the page was open
        referral.refresh_from_db()
        status = referral.get_status_display().lower()
        context |= {"allowed": False, "notice": NOT_NOW.format("avslutas här", status)}
        return render(request, CLOSE_STALLED, context, status=409)
    messages.success(request, "Remissen är avslutad. Inremittenten får ett e-postmeddelande om det.")
    return redirect("referrals:review", pk=pk)


@require_http_methods(["GET", "POST"])
def question_register(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A coordinator writes down a konsultativ fråga that came by phone, visit or letter."""
    own = team_ids_where(request.user, action="manage")
    if not own:
        raise PermissionDenied("Bara teamkoordinatorer registrerar frågor.")
    teams = teams_where(request.user, action="manage")
    token = form_token(request) if request.method == "POST" else new_form_token()
    initial = {"team": teams.first()} if len(own) == 1 else {}
    form = QuestionRegisterForm(request.POST if request.method == "POST" else None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            question = lifecycle.question_register(by=request.user, form_token=token, **form.cleaned_data)
        except NotAllowedNow:  # the form's own check says the same beside the field; this is the last guard
            form.add_error("consent_given", "En fråga som nämner personen kräver personens samtycke.")
        else:
            messages.success(request, f"Frågan är registrerad och väntar hos {question.team}.")
            return redirect("referrals:question", question.pk)
    return render(request, QUESTION_REGISTER, {"form": form, "form_token": token})


urlpatterns = [
    path("<int:pk>/atertag/", withdraw, name="withdraw"),
    path("<int:pk>/avsluta/", close_stalled, name="close_stalled"),
    path("fragor/registrera/", question_register, name="question_register"),
]
