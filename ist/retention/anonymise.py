"""What gallring does to each kind of record: delete it, or anonymise it where a statistic reads it.

"Anonymise" blanks everything that names or describes the person (name, personnummer, contact,
free text) and keeps exactly what reports/statistics.py and reports/periodic.py read: team, dates,
statuses and decisions, sex, birth year (the age band), home municipality, activity kind and
attendance, phases, exit reason and entry/exit variables, follow-up results. The field lists below
are that definition (docs/decisions/0018-retention.md repeats them).

Every function here runs inside the caller's transaction on rows the caller has locked, writes with
`queryset.update()`/`delete()` under `disable_auditlog()` (a change entry would copy the very text
being removed into the log) and removes the change history of the rows it blanks. Files are not
deleted here: their names are returned and removed after the commit (ist/retention/files.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, Q

from ist.reminders.models import Notification
from participants.models import (
    Activity,
    Closure,
    Contact,
    Document,
    Enrollment,
    EnrollmentEvent,
    Extension,
    FollowUp,
    Participant,
    PhasePeriod,
)
from referrals.models import (
    AgendaItem,
    ConsultativeQuestion,
    InformationMeeting,
    Letter,
    Referral,
    ReferralEvent,
    ReferralUserObjectPermission,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from datetime import datetime

DELETED = "deleted"
ANONYMISED = "anonymised"


@dataclass
class Outcome:
    """What one batch did: counts per (record, action), and the stored files to remove after commit."""

    counts: Counter[tuple[str, str]] = field(default_factory=Counter)
    files: list[str] = field(default_factory=list)

    def add(self, record: str, action: str, n: int) -> None:
        if n:
            self.counts[(record, action)] += n

    def add_files(self, names: Iterable[str]) -> None:
        names = [name for name in names if name]
        self.files.extend(names)
        self.add("Fil", DELETED, len(names))


# Referral: kept for "referrals received", decisions, answer times and information meetings.
REFERRAL_BLANK = {
    "personnummer": "",
    "first_name": "",
    "last_name": "",
    "phone": "",
    "email": "",
    "address": "",
    "background": "",
    "wishes": "",
    "obstacles": "",
    "interpreter_needed": False,
    "interpreter_language": "",
    "substance_abuse": False,
    "threatening_behaviour": False,
    "imminent_imprisonment": False,
    "full_sickness_compensation": False,
    "consent_given": False,
    "consent_date": None,
    "consent_scope": "",
    "consent_withdrawn_on": None,
    # The referrer's account link goes too, so the blanked referral leaves their "Mina remisser";
    # the organisation (what the statistics count) stays.
    "referrer": None,
    "registered_by": None,
    "referrer_name": "",
    "referrer_phone": "",
    "referrer_email": "",
    "support_contact_email": "",
    "decision_reason": "",
    "withdrawal_reason": "",
    "attachment": "",
    "form_token": None,
}
# Participant: sex, birth_year and municipality stay (Finsam, age band, municipality tables).
PARTICIPANT_BLANK = {"first_name": "", "last_name": "", "phone": "", "email": "", "address": ""}
QUESTION_BLANK = {
    "personnummer": "",
    "person_name": "",
    "question": "",
    "answer": "",
    "asker_name": "",
    "asker_contact": "",
    "form_token": None,
}


def _purge_change_history(model: type[Model], ids: Iterable[int]) -> None:
    """Change entries (create/update/delete) of these rows: their diffs hold the removed text. Read
    entries (ACCESS) stay: they follow the access-log rule (who read a person is kept five years)."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=ids).exclude(
        action=LogEntry.Action.ACCESS
    ).delete()


def _drop_notifications(model: type[Model], ids: Iterable[int]) -> None:
    Notification.objects.filter(subject_type=ContentType.objects.get_for_model(model), subject_id__in=ids).delete()


def delete_referrals(ids: list[int], now: datetime) -> Outcome:
    """Drafts never sent: deleted with their timeline, grants and scanned file."""
    outcome = Outcome()
    referrals = Referral.objects.filter(pk__in=ids)
    outcome.add_files(referrals.values_list("attachment", flat=True))
    with disable_auditlog():
        _drop_notifications(Referral, ids)
        _purge_change_history(Referral, ids)
        _deleted, per_model = referrals.delete()
    outcome.add("Remissutkast", DELETED, per_model.get(Referral._meta.label, 0))
    return outcome


def anonymise_referrals(ids: list[int], now: datetime) -> Outcome:
    """Blank the person and free text of referrals; the timeline's messages go, the decision stays."""
    outcome = Outcome()
    referrals = Referral.objects.filter(pk__in=ids, anonymised_at__isnull=True)
    ids = list(referrals.values_list("pk", flat=True))
    outcome.add_files(referrals.values_list("attachment", flat=True))
    items = list(AgendaItem.objects.filter(referral__in=ids).values_list("pk", flat=True))
    meetings = list(InformationMeeting.objects.filter(referral__in=ids).values_list("pk", flat=True))
    # The letters (beslutsbrev, kallelse) name the person and may hold the address: they go, files too.
    letters = Letter.objects.filter(referral__in=ids)
    outcome.add_files(list(letters.values_list("pdf", flat=True)))
    with disable_auditlog():
        outcome.add("Brev", DELETED, letters.delete()[0])
        ReferralEvent.objects.filter(referral__in=ids).delete()
        ReferralUserObjectPermission.objects.filter(content_object__in=ids).delete()
        AgendaItem.objects.filter(pk__in=items).update(reasoning="")
        InformationMeeting.objects.filter(pk__in=meetings).update(outcome_note="")
        for model, pks in ((Referral, ids), (AgendaItem, items), (InformationMeeting, meetings)):
            _purge_change_history(model, pks)
            _drop_notifications(model, pks)
        n = Referral.objects.filter(pk__in=ids).update(anonymised_at=now, **REFERRAL_BLANK)
    outcome.add("Remiss", ANONYMISED, n)
    return outcome


def anonymise_questions(ids: list[int], now: datetime) -> Outcome:
    """Blank the person and the text of answered consultative questions; team, asker's organisation
    and dates stay (the statistics count questions by organisation)."""
    outcome = Outcome()
    items = list(AgendaItem.objects.filter(question__in=ids).values_list("pk", flat=True))
    with disable_auditlog():
        AgendaItem.objects.filter(pk__in=items).update(reasoning="")
        for model, pks in ((ConsultativeQuestion, ids), (AgendaItem, items)):
            _purge_change_history(model, pks)
            _drop_notifications(model, pks)
        n = ConsultativeQuestion.objects.filter(pk__in=ids, anonymised_at__isnull=True).update(
            anonymised_at=now, **QUESTION_BLANK
        )
    outcome.add("Konsultativ fråga", ANONYMISED, n)
    return outcome


def anonymise_enrollments(ids: list[int], now: datetime) -> Outcome:
    """A closed enrolment with everything written during it. Deleted: documents (handlingsplaner,
    återrapporter, avslutssammanfattningar with their PDFs, signed copies, deliveries, downloads and
    grants), parties, the timeline. Blanked: notes and reasons of activities, phases, extensions,
    closure and follow-ups. Kept: dates, kinds, attendance, phases, exit reason, entry and exit
    variables. The referral it came from is anonymised with it, and the person once no enrolment of
    theirs is left un-anonymised."""
    outcome = Outcome()
    ids = list(Enrollment.objects.filter(pk__in=ids, anonymised_at__isnull=True).values_list("pk", flat=True))
    documents = Document.objects.filter(enrollment__in=ids)
    document_ids = list(documents.values_list("pk", flat=True))
    for pdf, signed in documents.values_list("pdf", "signed_copy"):
        outcome.add_files([pdf, signed])
    related = {
        Activity: list(Activity.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        PhasePeriod: list(PhasePeriod.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        Extension: list(Extension.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        Closure: list(Closure.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        FollowUp: list(FollowUp.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        Contact: list(Contact.objects.filter(enrollment__in=ids).values_list("pk", flat=True)),
        Document: document_ids,
        Enrollment: ids,
    }
    with disable_auditlog():
        # A correction points at the version it corrects (PROTECT): unlink before deleting them together.
        documents.exclude(corrects=None).update(corrects=None)
        _n, per_model = Document.objects.filter(pk__in=document_ids).delete()
        outcome.add("Dokument", DELETED, per_model.get(Document._meta.label, 0))
        Contact.objects.filter(enrollment__in=ids).delete()
        EnrollmentEvent.objects.filter(enrollment__in=ids).delete()
        Activity.objects.filter(enrollment__in=ids).exclude(note="").update(note="")
        PhasePeriod.objects.filter(enrollment__in=ids).exclude(reason="").update(reason="")
        Extension.objects.filter(enrollment__in=ids).update(reason="", decided_by="")
        Closure.objects.filter(enrollment__in=ids).update(summary="", recommendations="")
        FollowUp.objects.filter(enrollment__in=ids).exclude(note="").update(note="")
        for model, pks in related.items():
            _purge_change_history(model, pks)
            _drop_notifications(model, pks)
        n = Enrollment.objects.filter(pk__in=ids).update(anonymised_at=now, form_token=None)
    outcome.add("Inskrivning", ANONYMISED, n)
    referral_ids = list(
        Referral.objects.filter(enrollment__in=ids, anonymised_at__isnull=True).values_list("pk", flat=True)
    )
    outcome.counts.update(anonymise_referrals(referral_ids, now).counts)
    outcome.counts.update(_anonymise_people(ids, now).counts)
    return outcome


def _anonymise_people(enrollment_ids: list[int], now: datetime) -> Outcome:
    """The people of these enrolments who have no enrolment left that is not anonymised."""
    outcome = Outcome()
    people = list(
        Participant.objects.filter(enrollments__in=enrollment_ids, anonymised_at__isnull=True)
        .exclude(enrollments__anonymised_at__isnull=True)
        .values_list("pk", flat=True)
        .distinct()
    )
    with disable_auditlog():
        _purge_change_history(Participant, people)
        _drop_notifications(Participant, people)
        n = 0
        for pk in people:
            # personnummer is unique: a placeholder that can never be a valid number ("X" + id).
            n += Participant.objects.filter(pk=pk).update(
                personnummer=f"X{pk:011d}", anonymised_at=now, **PARTICIPANT_BLANK
            )
    outcome.add("Deltagare", ANONYMISED, n)
    return outcome


def clear_referral_files(ids: list[int], now: datetime) -> Outcome:
    """Scanned referrals of ended cases: the file goes, the referral stays."""
    outcome = Outcome()
    outcome.files.extend(name for name in Referral.objects.filter(pk__in=ids).values_list("attachment", flat=True))
    with disable_auditlog():
        n = Referral.objects.filter(pk__in=ids).update(attachment="")
    outcome.add("Inskannad remiss", DELETED, n)  # the record here is the file itself
    return outcome


def clear_signed_copies(ids: list[int], now: datetime) -> Outcome:
    """Signed copies of plans of closed enrolments: the file goes, the plan and its PDF stay."""
    outcome = Outcome()
    outcome.files.extend(name for name in Document.objects.filter(pk__in=ids).values_list("signed_copy", flat=True))
    with disable_auditlog():
        n = Document.objects.filter(pk__in=ids).update(signed_copy="")
    outcome.add("Underskriven plan", DELETED, n)  # the record here is the file itself
    return outcome


def delete_rows(record: str, model: type[Model], *, file_field: str = "") -> Callable[[list[int], datetime], Outcome]:
    """A plain deletion of the rows (log entries, notifications, digests, register extracts)."""

    def apply(ids: list[int], now: datetime) -> Outcome:
        outcome = Outcome()
        rows = model._default_manager.filter(pk__in=ids)
        if file_field:
            outcome.add_files(rows.values_list(file_field, flat=True))
        with disable_auditlog():
            _n, per_model = rows.delete()
        outcome.add(record, DELETED, per_model.get(model._meta.label, 0))
        return outcome

    return apply


def anonymise_answers(ids: list[int], now: datetime) -> Outcome:
    """The identified questionnaire answers of closed enrolments become anonymous (ist/questionnaires/retention.py)."""
    from ist.questionnaires.retention import make_anonymous

    outcome = Outcome()
    with disable_auditlog():
        answers, hand_outs = make_anonymous(ids, now)
    outcome.add("Självskattning", ANONYMISED, answers)
    outcome.add("Utskick av enkät", DELETED, hand_outs)
    return outcome


def not_held(held: list[str], *paths: str) -> Q:
    """Rows whose person (at any of the personnummer `paths`) has no spärr."""
    condition = Q()
    for path in paths:
        condition &= ~Q(**{f"{path}__in": held})
    return condition
