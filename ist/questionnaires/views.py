"""Handing out questionnaires (staff) and answering them (respondents without an account).

The answering pages (`answer`, `participant_mode`, `thanks`, `locked`) are open without login and carry
no personal data: only the questionnaire. Deltagarläge signs the handledare out before the participant
gets the screen; the session then holds only the one-time token, and leaving the locked screen needs the
handledare's login (with the second factor), so the participant can reach nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from ist.audit.recording import get_allowed_or_403
from ist.messaging.registry import link as absolute
from ist.questionnaires import selectors, services
from ist.questionnaires.emails import recipient
from ist.questionnaires.forms import AnswerForm, HandOutForm, PaperForm
from ist.questionnaires.models import DueRule, How, Invitation
from ist.web import form_token
from participants.selectors import enrollments_for

if TYPE_CHECKING:
    from django.http import HttpRequest

    from ist.http import AuthenticatedHttpRequest
    from ist.questionnaires.models import QuestionnaireVersion
    from participants.models import Enrollment

SESSION_TOKEN = "deltagarlage"  # noqa: S105 - a session key, not a secret
SESSION_BACK = "deltagarlage_tillbaka"
REFUSAL = "Bara deltagarens handledare och teamets koordinatorer lämnar ut och skriver in enkäter."


def _enrollment(request: AuthenticatedHttpRequest, enrollment_pk: int, what: str) -> Enrollment:
    return get_allowed_or_403(
        request,
        selectors.enrollments_with_answers_for(request.user),
        enrollments_for(request.user, "view"),
        what=what,
        refusal=REFUSAL,
        pk=enrollment_pk,
    )


def _version(questionnaire_pk: int) -> QuestionnaireVersion:
    version = selectors.published_versions().get(questionnaire_pk)
    if version is None:
        raise Http404
    return selectors.with_questions(version.pk)


def _detail(enrollment: Enrollment) -> str:
    return reverse("participants:detail", kwargs={"enrollment_pk": enrollment.pk}) + "#enkater"


def _rule_and_occasion(
    form: HandOutForm, enrollment: Enrollment, questionnaire_pk: int
) -> tuple[DueRule | None, object]:
    """The due rule and occasion posted, if they are one open now for this enrolment; else an extra hand-out today."""
    today = timezone.localdate()
    rule_pk, occasion = form.cleaned_data.get("rule"), form.cleaned_data.get("occasion")
    if rule_pk:
        for item in selectors.open_due([enrollment.pk], today).get(enrollment.pk, []):
            if item.rule.pk == rule_pk and item.occasion == occasion and item.rule.questionnaire_id == questionnaire_pk:
                return item.rule, item.occasion
    return None, today


@require_POST
def hand_out(request: AuthenticatedHttpRequest, enrollment_pk: int, questionnaire_pk: int) -> HttpResponse:
    """Lämna ut: a one-time link with its QR code (a page to print or show), deltagarläge, or e-mail."""
    enrollment = _enrollment(request, enrollment_pk, "enkät: lämna ut")
    version = _version(questionnaire_pk)
    form = HandOutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Välj hur enkäten ska lämnas ut.")
        return redirect(_detail(enrollment))
    how = form.cleaned_data["how"]
    rule, occasion = _rule_and_occasion(form, enrollment, questionnaire_pk)
    if how == "epost" and not recipient(Invitation(version=version, enrollment=enrollment)):
        messages.error(request, "Det finns ingen e-postadress att skicka länken till.")
        return redirect(_detail(enrollment))
    invitation = services.invitation_create(
        enrollment=enrollment,
        version=version,
        rule=rule,
        occasion=occasion,  # type: ignore[arg-type]  # a date: _rule_and_occasion returns one
        how=How.PARTICIPANT_MODE if how == How.PARTICIPANT_MODE else How.LINK,
        by=request.user,
        form_token=form.cleaned_data.get("form_token"),
    )
    if how == "epost":
        services.link_email(invitation=invitation, by=request.user)
        messages.success(request, f"En länk till ”{version.questionnaire.name}” skickas med e-post.")
        return redirect(_detail(enrollment))
    if how == How.PARTICIPANT_MODE:
        token = services.link_create(invitation=invitation, days=1)
        back = _detail(enrollment)
        logout(request)  # the participant gets a screen signed out of everything
        request.session[SESSION_TOKEN] = token
        request.session[SESSION_BACK] = back
        return redirect("questionnaires:participant_mode")
    token = services.link_create(invitation=invitation)
    url = absolute(reverse("questionnaires:answer", kwargs={"token": token}))
    qr = segno.make(url, error="m").svg_inline(scale=5, title="QR-kod till enkäten", omitsize=True)  # sized by CSS
    context = {"enrollment": enrollment, "version": version, "url": url, "qr": qr, "days": services.LINK_DAYS}
    return render(request, "questionnaires/link.html", context)


def paper(request: AuthenticatedHttpRequest, enrollment_pk: int, questionnaire_pk: int) -> HttpResponse:
    """Skriv in från papper: staff type in a filled-in paper form (marked as such)."""
    enrollment = _enrollment(request, enrollment_pk, "enkät: skriv in från papper")
    version = _version(questionnaire_pk)
    form = PaperForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        services.paper_entry(
            enrollment=enrollment,
            version=version,
            answers=form.answers(),
            answered_on=form.cleaned_data["answered_on"],
            by=request.user,
            form_token=form_token(request),
        )
        messages.success(request, f"Svaren på ”{version.questionnaire.name}” är inskrivna.")
        return redirect(_detail(enrollment))
    context = {"enrollment": enrollment, "version": version, "form": form, "token": form_token(request)}
    return render(request, "questionnaires/paper.html", context)


@login_not_required
def answer(request: HttpRequest, token: str) -> HttpResponse:
    """Answer through a one-time link: valid once, until it expires."""
    link = services.link_valid(token)
    if link is None:
        return render(request, "questionnaires/invalid.html", status=404)
    version = selectors.with_questions(link.invitation.version_id)
    form = AnswerForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        if services.answer_by_link(token=token, answers=form.answers()) is None:
            return render(request, "questionnaires/invalid.html", status=404)
        return redirect("questionnaires:thanks")
    return render(request, "questionnaires/answer.html", {"version": version, "form": form})


@login_not_required
def participant_mode(request: HttpRequest) -> HttpResponse:
    """Deltagarläge: the questionnaire the handledare started, and nothing else; then the locked screen."""
    token = request.session.get(SESSION_TOKEN)
    link = services.link_valid(token) if token else None
    if link is None or token is None:
        return redirect("questionnaires:locked")
    version = selectors.with_questions(link.invitation.version_id)
    form = AnswerForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        services.answer_by_link(token=token, answers=form.answers(), how=How.PARTICIPANT_MODE)
        request.session.pop(SESSION_TOKEN, None)
        return redirect("questionnaires:locked")
    context = {"version": version, "form": form, "participant_mode": True}
    return render(request, "questionnaires/answer.html", context)


@login_not_required
@require_safe
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "questionnaires/thanks.html")


@login_not_required
@require_safe
def locked(request: HttpRequest) -> HttpResponse:
    """The locked screen after deltagarläge: only the handledare's login leads on (back to the participant page)."""
    back = request.session.get(SESSION_BACK, "")
    answered = SESSION_TOKEN not in request.session
    login = reverse("login") + ("?" + urlencode({"next": back}) if back.startswith("/") else "")
    return render(request, "questionnaires/locked.html", {"login": login, "answered": answered})


urlpatterns = [
    path("enkat/svara/<str:token>/", answer, name="answer"),
    path("enkat/tack/", thanks, name="thanks"),
    path("enkat/deltagarlage/", participant_mode, name="participant_mode"),
    path("enkat/last/", locked, name="locked"),
    path("deltagare/<int:enrollment_pk>/enkat/<int:questionnaire_pk>/lamna-ut/", hand_out, name="hand_out"),
    path("deltagare/<int:enrollment_pk>/enkat/<int:questionnaire_pk>/papper/", paper, name="paper"),
]
