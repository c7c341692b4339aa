"""Moving an enrolment to another team (issue 19 point 6): the sending team's coordinator proposes
(`transfer`), the receiving team's coordinator accepts or declines (`transfer_decide`); a
coordinator of both teams goes straight on to accepting. History, documents and grants hang on the
enrolment, so they follow it; the transfer date is the team-period boundary for statistics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path

from ist.audit.recording import get_visible_or_404, record_access
from ist.errors import NotAllowedNow
from ist.http import AuthenticatedHttpRequest
from participants import forms, selectors, services
from participants.models import Enrollment, Transfer
from participants.views.journey import _enrollment
from teams.access import team_ids_where
from teams.models import Team

if TYPE_CHECKING:
    from django.http import HttpResponse


PROPOSE = "participants/transfer/propose.html"
DECIDE = "participants/transfer/decide.html"
DECIDED = "Förslaget kan inte godkännas: det är redan avgjort, eller inskrivningen är avslutad eller flyttad."
OPEN_ALREADY = "Det finns redan ett förslag om flytt för deltagaren. Det måste godkännas eller avböjas först."


def transfer(request: AuthenticatedHttpRequest, enrollment_pk: int) -> HttpResponse:
    """The sending team's coordinator proposes the move; the receiving coordinators are told."""
    enrollment = _enrollment(request, enrollment_pk, "manage", what="flytta till annat team")
    teams = Team.objects.filter(active=True).exclude(pk=enrollment.team_id).order_by("name")
    form = forms.TransferForm(request.POST or None, teams=teams)
    pending = enrollment.transfers.filter(status=Transfer.Status.PROPOSED).first()
    context = {"enrollment": enrollment, "form": form, "pending": pending, "refused": ""}
    if enrollment.status != Enrollment.Status.ACTIVE:
        context |= {"form": None, "refused": "Inskrivningen är avslutad och kan inte flyttas."}
        return render(request, PROPOSE, context, status=409 if request.method == "POST" else 200)
    if request.method != "POST" or not form.is_valid():
        return render(request, PROPOSE, context)
    data = form.cleaned_data
    try:
        moved = services.transfer_propose(
            enrollment=enrollment,
            to_team=data["to_team"],
            day=data["date"],
            note=data["note"],
            by=request.user,
            form_token=data["form_token"],
        )
    except services.InvalidActivity as e:
        form.add_error(e.field if e.field in form.fields else None, e.message)
        return render(request, PROPOSE, context)
    except NotAllowedNow:
        return render(request, PROPOSE, context | {"refused": OPEN_ALREADY}, status=409)
    if moved.to_team_id in team_ids_where(request.user, action="manage"):
        return redirect("participants:transfer_decide", transfer_pk=moved.pk)  # coordinator of both
    messages.success(request, f"Förslaget är skickat. {moved.to_team}s koordinatorer får ett e-postmeddelande.")
    return redirect("participants:detail", enrollment.pk)


def transfer_decide(request: AuthenticatedHttpRequest, transfer_pk: int) -> HttpResponse:
    """The receiving team's coordinator accepts (choosing the handledare) or declines. The sending
    team's coordinators see the proposal (403 on deciding); anyone else: 404."""
    user = request.user
    proposal = get_visible_or_404(request, selectors.transfers_for(user), what="flytt till annat team", pk=transfer_pk)
    record_access(request, [proposal.enrollment], what="flytt till annat team")
    receiving = proposal.to_team_id in team_ids_where(user, action="manage")
    form = forms.TransferAcceptForm(request.POST or None, handledare=selectors.handledare_of(proposal.to_team_id))
    context = {"transfer": proposal, "form": form if receiving else None, "refused": ""}
    if request.method != "POST":
        return render(request, DECIDE, context)
    if not receiving:
        return render(
            request,
            DECIDE,
            context | {"refused": "Bara det mottagande teamets koordinator godkänner flytten."},
            status=403,
        )
    try:
        if request.POST.get("decision") == "decline":
            services.transfer_decline(transfer=proposal, by=user)
            messages.info(request, "Flytten är avböjd. Den som föreslog den får ett e-postmeddelande.")
            return redirect("participants:caseload")
        if not form.is_valid():
            return render(request, DECIDE, context)
        services.transfer_accept(transfer=proposal, responsible=form.cleaned_data["responsible"], by=user)
    except NotAllowedNow:
        proposal.refresh_from_db()
        return render(request, DECIDE, context | {"form": None, "refused": DECIDED}, status=409)
    messages.success(
        request,
        f"Deltagaren är inskriven i {proposal.to_team} från {proposal.date:%Y-%m-%d} med "
        f"{form.cleaned_data['responsible'].get_full_name()} som ansvarig handledare.",
    )
    return redirect("participants:detail", proposal.enrollment_id)


urlpatterns = [
    path("<int:enrollment_pk>/flytta-team/", transfer, name="transfer"),
    path("flytt/<int:transfer_pk>/", transfer_decide, name="transfer_decide"),
]
