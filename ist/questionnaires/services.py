"""Every write of questionnaires, hand-outs and answers (docs/decisions/0036)."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ist import idempotency
from ist.errors import NotAllowedNow
from ist.messaging.registry import send
from ist.questionnaires.models import (
    Answer,
    AnswerLink,
    DueRule,
    How,
    Invitation,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    RespondentGroup,
    Response,
)
from ist.reminders.sweeps import sweep_for

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ist.questionnaires.inputs import AnswerInput
    from participants.models import Enrollment
    from teams.models import Team, User

LINK_DAYS = 14
TOKEN_BYTES = 24


def token_hash(token: str) -> str:
    """How a one-time token is stored: its SHA-256 (a 192-bit random token needs no salt or slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def version_publish(*, version: QuestionnaireVersion, by: User) -> bool:
    """Publish (and so freeze) a draft. Pre: it has questions, and every question with options has at
    least two. A second publish changes nothing (False)."""
    questions = list(version.questions.prefetch_related("options"))
    if not questions:
        raise NotAllowedNow("Versionen har inga frågor.")
    for question in questions:
        if question.has_options and len(question.options.all()) < 2:
            raise NotAllowedNow(f"Frågan ”{question.text}” behöver minst två svarsalternativ.")
    updated = QuestionnaireVersion.objects.filter(pk=version.pk, published_at__isnull=True).update(
        published_at=timezone.now()
    )
    return updated == 1


@transaction.atomic
def version_new_draft(*, questionnaire: Questionnaire, by: User) -> QuestionnaireVersion:
    """A new draft version copying the newest version's questions and options; earlier versions and their
    answers are untouched. An existing draft is returned instead of a second one."""
    Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    latest = questionnaire.versions.order_by("-number").first()
    if latest is not None and not latest.published:
        return latest
    draft = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=(latest.number + 1) if latest else 1, intro=latest.intro if latest else ""
    )
    if latest is None:
        return draft
    for question in latest.questions.prefetch_related("options"):
        copy = Question.objects.create(
            version=draft,
            order=question.order,
            text=question.text,
            help_text=question.help_text,
            answer_type=question.answer_type,
            required=question.required,
            indicator_id=question.indicator_id,
            measures_progress=question.measures_progress,
        )
        Option.objects.bulk_create(
            Option(question=copy, order=o.order, label=o.label, value=o.value, positive=o.positive)
            for o in question.options.all()
        )
    return draft


@transaction.atomic
def invitation_create(
    *,
    enrollment: Enrollment,
    version: QuestionnaireVersion,
    rule: DueRule | None,
    occasion: date,
    how: str,
    by: User,
    form_token: uuid.UUID | None = None,
) -> Invitation:
    """Hand out a questionnaire for one occasion (a due rule's, or an extra one without a rule). A double
    submit of the same form gives back the first hand-out. The item in "Att göra" is resolved at once.
    Pre: `by` may change the enrolment; `version` is published."""
    if not version.published:
        raise NotAllowedNow("Enkäten är inte publicerad.")

    def create(token: uuid.UUID | None) -> Invitation:
        return Invitation.objects.create(
            version=version,
            rule=rule,
            enrollment=enrollment,
            occasion=occasion,
            how=how,
            created_by=by,
            form_token=token,
        )

    invitation, created = idempotency.create_once(Invitation, form_token=form_token, create=create, created_by=by)
    if created:
        sweep_for(enrollment)
    return invitation


@transaction.atomic
def link_create(*, invitation: Invitation, days: int = LINK_DAYS) -> str:
    """A new one-time link for the hand-out; returns the token, which is never stored (only its hash).
    Earlier unused links of the same hand-out stop working: one hand-out, one answer."""
    now = timezone.now()
    AnswerLink.objects.filter(invitation=invitation, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    AnswerLink.objects.create(
        invitation=invitation, token_hash=token_hash(token), expires_at=now + timedelta(days=days)
    )
    return token


def link_valid(token: str) -> AnswerLink | None:
    """The link of `token` if it can still be used (not used, not expired), else None."""
    return (
        AnswerLink.objects.filter(token_hash=token_hash(token), used_at__isnull=True, expires_at__gt=timezone.now())
        .select_related("invitation__version__questionnaire", "invitation__enrollment", "invitation__rule")
        .first()
    )


@transaction.atomic
def link_email(*, invitation: Invitation, by: User) -> None:
    """Send a one-time link by e-mail through the outbox (the e-mail's builder makes the link when it is
    sent, so the token exists only in the e-mail). Pre: the recipient has an e-mail address."""
    send("questionnaires.link", invitation.pk, key=invitation.pk)


def _month(day: date) -> date:
    return day.replace(day=1)


@transaction.atomic
def response_submit(
    *,
    version: QuestionnaireVersion,
    team: Team,
    respondent_group: str,
    how: str,
    enrollment: Enrollment | None,
    answers: Sequence[AnswerInput],
    on: date | None = None,
) -> Response:
    """Store one set of answers. The questionnaire decides: anonymous → only team, month and group (the
    enrolment is dropped here, whatever the caller passed); identified → the enrolment and the day.
    Pre: `answers` were validated against `version` (the answering form)."""
    on = on or timezone.localdate()
    identified = not version.questionnaire.anonymous and enrollment is not None
    if not version.questionnaire.anonymous and enrollment is None:
        raise NotAllowedNow("En självskattning hör till en inskrivning.")
    response = Response.objects.create(
        version=version,
        team=team,
        respondent_group=respondent_group or RespondentGroup(version.questionnaire.respondent_group),
        month=_month(on),
        how=how,
        identified=identified,
        enrollment=enrollment if identified else None,
        answered_on=on if identified else None,
    )
    rows = []
    for answer in answers:
        if answer.text:
            rows.append(Answer(response=response, question_id=answer.question_id, text=answer.text))
        rows += [Answer(response=response, question_id=answer.question_id, option_id=o) for o in answer.option_ids]
    Answer.objects.bulk_create(rows)
    return response


def _group_of(invitation: Invitation) -> str:
    """A participant questionnaire handed out at closure is answered at the end of the insats."""
    group = invitation.version.questionnaire.respondent_group
    if group == RespondentGroup.DURING and invitation.rule is not None and invitation.rule.trigger == "avslut":
        return RespondentGroup.AT_END
    return group


@transaction.atomic
def answer_by_link(*, token: str, answers: Sequence[AnswerInput], how: str = How.LINK) -> Response | None:
    """Use a one-time link: claimed with a conditional UPDATE, so two submits at once (or a reload) store
    one answer; None when the link is used, expired or unknown. Nothing of the link goes into an
    anonymous answer."""
    now = timezone.now()
    link = link_valid(token)
    if link is None:
        return None
    claimed = AnswerLink.objects.filter(pk=link.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    if claimed != 1:
        return None
    invitation = link.invitation
    return response_submit(
        version=invitation.version,
        team=invitation.enrollment.team,
        respondent_group=_group_of(invitation),
        how=how,
        enrollment=invitation.enrollment,
        answers=answers,
        on=timezone.localdate(),
    )


@transaction.atomic
def paper_entry(
    *,
    enrollment: Enrollment,
    version: QuestionnaireVersion,
    answers: Sequence[AnswerInput],
    answered_on: date,
    by: User,
    form_token: uuid.UUID | None = None,
) -> bool:
    """Staff type in a paper form: a hand-out marked "Inskrivet från papper" and the answers (an
    anonymous questionnaire keeps only the enrolment's team and the month). A double submit of the same
    form stores the answers once (False the second time). Pre: `by` may change the enrolment."""

    def create(token: uuid.UUID | None) -> Invitation:
        invitation = Invitation.objects.create(
            version=version,
            rule=None,
            enrollment=enrollment,
            occasion=answered_on,
            how=How.PAPER,
            created_by=by,
            form_token=token,
        )
        response_submit(
            version=version,
            team=enrollment.team,
            respondent_group=version.questionnaire.respondent_group,
            how=How.PAPER,
            enrollment=enrollment,
            answers=answers,
            on=answered_on,
        )
        return invitation

    _invitation, created = idempotency.create_once(Invitation, form_token=form_token, create=create, created_by=by)
    return created
