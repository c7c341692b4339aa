"""The kinds of record gallring knows: for each rule, which rows are due on a cut-off day, and what
is done to them (ist/retention/anonymise.py).

A record is due when its event lies on or before the cut-off day, the day `months` months before
today (Europe/Stockholm): counted from 2021-03-15 with 60 months, it goes on 2026-03-15, not the
day before. Rows of a person with a spärr (LegalHold) are never due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from dateutil.relativedelta import relativedelta
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from ist.outbox.models import Message
from ist.questionnaires.models import Response
from ist.reminders.models import EmailDelivery, Notification
from ist.retention import anonymise
from ist.retention.anonymise import ANONYMISED, DELETED, Outcome, not_held
from ist.retention.models import Event, Kind, LegalHold, RegisterExtract
from participants.models import Activity, Document, Enrollment, EnrollmentEvent, FollowUp
from referrals.models import ConsultativeQuestion, Referral

if TYPE_CHECKING:
    from ist.retention.models import RetentionRule

# Ended without a stay: rejected, declined after the information meeting, or withdrawn (decision 0029).
NOT_ENROLLED = [Referral.Status.REJECTED, Referral.Status.DECLINED, Referral.Status.WITHDRAWN]


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the month's last day if that month is shorter)."""
    return day - relativedelta(months=months)


def cutoff_for(rule: RetentionRule, today: date) -> date:
    return months_before(today, rule.months)


def after(cutoff: date) -> datetime:
    """The first moment after the cut-off day: a timestamp before it is on or before that day."""
    return timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))


def held_numbers() -> list[str]:
    return list(LegalHold.objects.values_list("personnummer", flat=True))


@dataclass(frozen=True)
class Part:
    """One kind of row a rule removes: its label in the gallringslogg, what is done, how to find
    what is due, and the function doing it."""

    record: str
    action: str
    model: type[Model]
    due: Callable[[RetentionRule, date, list[str]], QuerySet]
    apply: Callable[[list[int], datetime], Outcome]
    # Log rows are small and many (tens of millions nationally): larger batches.
    batch_factor: int = 1


def _drafts(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return Referral.objects.filter(
        not_held(held, "personnummer"), status=Referral.Status.DRAFT, updated_at__lt=after(cutoff)
    )


def _case_ended(rule_event: str, cutoff: date) -> Q:
    """A referral that did not lead to enrolment ended at its decision (or its last change)."""
    if rule_event == Event.LAST_CHANGE:
        return Q(updated_at__lt=after(cutoff))
    return Q(decided_at__lt=after(cutoff)) | Q(decided_at__isnull=True, updated_at__lt=after(cutoff))


def _not_enrolled(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return Referral.objects.filter(
        _case_ended(rule.event, cutoff),
        not_held(held, "personnummer"),
        status__in=NOT_ENROLLED,
        anonymised_at__isnull=True,
        enrollment__isnull=True,
    )


def _questions(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return ConsultativeQuestion.objects.filter(
        not_held(held, "personnummer"),
        status=ConsultativeQuestion.Status.ANSWERED,
        answered_at__lt=after(cutoff),
        anonymised_at__isnull=True,
    )


def _closed_enrollments(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    due = Enrollment.objects.filter(
        not_held(held, "participant__personnummer"),
        status=Enrollment.Status.CLOSED,
        closure__date__lte=cutoff,
        anonymised_at__isnull=True,
    )
    if rule.event == Event.LAST_ENTRY:
        # The last entry is the latest of the closure, any timeline event, a recorded follow-up,
        # an activity and a document change: none may lie after the cut-off day.
        later = after(cutoff)
        mine = {"enrollment": OuterRef("pk")}
        due = due.exclude(
            Exists(EnrollmentEvent.objects.filter(**mine, at__gte=later))
            | Exists(FollowUp.objects.filter(**mine, recorded_at__gte=later))
            | Exists(Activity.objects.filter(**mine, date__gt=cutoff))
            | Exists(Document.objects.filter(**mine, updated_at__gte=later))
        )
    return due


def _referral_files(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    ended_without = Q(status__in=NOT_ENROLLED, enrollment__isnull=True) & _case_ended(Event.DECISION, cutoff)
    ended_after = Q(enrollment__status=Enrollment.Status.CLOSED, enrollment__closure__date__lte=cutoff)
    return Referral.objects.filter(ended_without | ended_after, not_held(held, "personnummer")).exclude(attachment="")


def _signed_copies(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return Document.objects.filter(
        not_held(held, "enrollment__participant__personnummer"),
        enrollment__status=Enrollment.Status.CLOSED,
        enrollment__closure__date__lte=cutoff,
    ).exclude(signed_copy="")


def _held_keys(held: list[str]) -> list[str]:
    return [f"pnr:{number}" for number in held]


def _access_log(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return LogEntry.objects.filter(
        not_held(_held_keys(held), "additional_data__person"),
        action=LogEntry.Action.ACCESS,
        timestamp__lt=after(cutoff),
    )


def _change_log(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return LogEntry.objects.filter(
        not_held(_held_keys(held), "additional_data__person"),
        action__in=[LogEntry.Action.CREATE, LogEntry.Action.UPDATE, LogEntry.Action.DELETE],
        timestamp__lt=after(cutoff),
    )


def _notifications(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    # Open items are work still to do: only those done or resolved are removed.
    return Notification.objects.filter(
        state__in=[Notification.State.DONE, Notification.State.RESOLVED], updated_at__lt=after(cutoff)
    )


def _digests(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return EmailDelivery.objects.filter(day__lte=cutoff)


def _outbox(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    # Only what went out: a pending or failed message is work an operator may still need.
    return Message.objects.filter(status=Message.Status.DONE, done_at__lt=after(cutoff))


def _extracts(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    return RegisterExtract.objects.filter(not_held(held, "personnummer"), requested_at__lt=after(cutoff))


def _identified_answers(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    from ist.questionnaires.retention import enrollments_with_answers

    return enrollments_with_answers(cutoff).filter(not_held(held, "participant__personnummer"))


def _anonymous_answers(rule: RetentionRule, cutoff: date, held: list[str]) -> QuerySet:
    from ist.questionnaires.retention import anonymous_before

    return anonymous_before(cutoff)  # no person: a spärr cannot concern them


PARTS: dict[str, list[Part]] = {
    Kind.DRAFT_REFERRAL: [Part("Remissutkast", DELETED, Referral, _drafts, anonymise.delete_referrals)],
    Kind.REFERRAL_NOT_ENROLLED: [Part("Remiss", ANONYMISED, Referral, _not_enrolled, anonymise.anonymise_referrals)],
    Kind.QUESTION: [
        Part("Konsultativ fråga", ANONYMISED, ConsultativeQuestion, _questions, anonymise.anonymise_questions)
    ],
    Kind.CLOSED_ENROLLMENT: [
        Part("Inskrivning", ANONYMISED, Enrollment, _closed_enrollments, anonymise.anonymise_enrollments)
    ],
    Kind.IDENTIFIED_ANSWER: [
        Part("Självskattning", ANONYMISED, Enrollment, _identified_answers, anonymise.anonymise_answers)
    ],
    Kind.ANONYMOUS_ANSWER: [
        Part(
            "Anonymt enkätsvar",
            DELETED,
            Response,
            _anonymous_answers,
            anonymise.delete_rows("Anonymt enkätsvar", Response),
            batch_factor=10,
        )
    ],
    Kind.UPLOADED_FILE: [
        Part("Inskannad remiss", DELETED, Referral, _referral_files, anonymise.clear_referral_files),
        Part("Underskriven plan", DELETED, Document, _signed_copies, anonymise.clear_signed_copies),
    ],
    Kind.ACCESS_LOG: [
        Part(
            "Åtkomstloggpost",
            DELETED,
            LogEntry,
            _access_log,
            anonymise.delete_rows("Åtkomstloggpost", LogEntry),
            batch_factor=10,
        )
    ],
    Kind.CHANGE_LOG: [
        Part(
            "Ändringspost",
            DELETED,
            LogEntry,
            _change_log,
            anonymise.delete_rows("Ändringspost", LogEntry),
            batch_factor=10,
        )
    ],
    Kind.NOTIFICATION: [
        Part(
            "Påminnelse",
            DELETED,
            Notification,
            _notifications,
            anonymise.delete_rows("Påminnelse", Notification),
            batch_factor=10,
        ),
        Part(
            "E-postsammanfattning",
            DELETED,
            EmailDelivery,
            _digests,
            anonymise.delete_rows("E-postsammanfattning", EmailDelivery),
            batch_factor=10,
        ),
        Part(
            "Utgående meddelande",
            DELETED,
            Message,
            _outbox,
            anonymise.delete_rows("Utgående meddelande", Message),
            batch_factor=10,
        ),
    ],
    Kind.REGISTER_EXTRACT: [
        Part(
            "Registerutdrag",
            DELETED,
            RegisterExtract,
            _extracts,
            anonymise.delete_rows("Registerutdrag", RegisterExtract, file_field="pdf"),
        )
    ],
}
