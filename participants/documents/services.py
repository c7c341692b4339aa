"""Every change to a journey's documents: start, save a draft, finalise, render, deliver, correct.

Keyword-only and transactional. A draft is saved with the revision it was based on (a stale save is
refused, not merged); a final document never changes: a correction is a new version. Rendering runs
in a task (tasks.render_document) and is safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from ist.errors import NotAllowedNow, StaleEdit
from ist.outbox import services as outbox
from ist.pdf.rendering import render_pdf
from ist.pdf.storage import store
from ist.reminders.sweeps import sweep_for
from ist.uploads import delete_after_commit
from participants.documents import emails, printing
from participants.documents.inputs import DocumentContent, EvaluationRow, PlannedActivity, SubGoalRow
from participants.documents.models import Contact, Delivery, Document, DocumentRead, Download, Evaluation, SubGoal
from participants.documents.schedule import PLAN_EVERY_MONTHS
from participants.documents.selectors import VIEW_PERM, attendance_for, latest_final
from participants.models import Closure, Enrollment, EnrollmentEvent, PhasePeriod, PhaseRequirement, RequirementCategory
from participants.rules import RequirementBook
from teams.access import grant, revoke

if TYPE_CHECKING:
    from django.core.files import File

    from teams.models import User

log = logging.getLogger(__name__)
Kind = Document.Kind
Status = Document.Status

__all__ = ["Incomplete"]

# The fields a draft form may write, per kind (the rest stay empty).
CONTENT_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.ACTION_PLAN: (
        "period_start",
        "period_end",
        "direction",
        "goal",
        "support",
        "own_words",
        "agreed_on",
        "signed_returned_on",
    ),
    Kind.REPORT: ("period_start", "period_end", "progress", "assessment", "changes", "next_steps"),
    Kind.CLOSING: ("period_start", "period_end", "summary", "recommendations", "next_steps"),
}
SUB_GOAL_FIELDS = ("goal", "activities", "responsible", "due_on")


class Incomplete(Exception):  # noqa: N818 - a domain outcome: the list is shown to the user
    def __init__(self, missing: list[str]) -> None:
        super().__init__("; ".join(missing))
        self.missing = missing


def _event(document: Document, by: User | None, message: str) -> None:
    EnrollmentEvent.objects.create(
        enrollment_id=document.enrollment_id, kind=EnrollmentEvent.Kind.DOCUMENT, by=by, message=message
    )


def _locked(document: Document, expected_revision: int | None = None) -> Document:
    current = Document.objects.select_for_update().get(pk=document.pk)
    if expected_revision is not None and current.revision != expected_revision:
        raise StaleEdit
    return current


# -- Starting a document -----------------------------------------------------------------


def planned_from_requirements(phase: str | None) -> list[dict[str, object]]:
    """The weekly activities of the phase, as a plan's starting point."""
    if phase is None:
        return []
    book = RequirementBook(list(PhaseRequirement.objects.filter(phase=phase)))
    today = timezone.localdate()
    in_force = [r for kind in RequirementCategory.values if (r := book.get(phase, kind, on=today))]
    return [
        {"kind": r.kind, "label": r.get_kind_display(), "count": r.count, "per_weeks": r.per_weeks, "note": ""}
        for r in sorted(in_force, key=lambda r: r.kind)
    ]


def _current_phase(enrollment: Enrollment) -> PhasePeriod | None:
    return PhasePeriod.objects.filter(enrollment=enrollment, end__isnull=True).first()


def _prefill(document: Document, enrollment: Enrollment, today: date) -> list[SubGoal | Evaluation]:
    """Fill a new document from the previous one of its kind and the journey; return child rows."""
    period = _current_phase(enrollment)
    children: list[SubGoal | Evaluation] = []
    previous = latest_final(enrollment, document.kind)
    if document.kind == Kind.ACTION_PLAN:
        document.planned_activities = planned_from_requirements(period.phase if period else None)
        document.period_start = (previous.period_end + timedelta(days=1)) if previous and previous.period_end else today
        document.period_end = document.period_start + relativedelta(months=PLAN_EVERY_MONTHS) - timedelta(days=1)
        if previous:
            document.direction, document.goal, document.support = previous.direction, previous.goal, previous.support
            for i, old in enumerate(previous.sub_goals.all()):
                children.append(SubGoal(position=i, **{f: getattr(old, f) for f in SUB_GOAL_FIELDS if f != "due_on"}))
                children.append(Evaluation(position=i, goal=old.goal))
    elif document.kind == Kind.REPORT:
        start = (previous.period_end + timedelta(days=1)) if previous and previous.period_end else None
        document.period_start = min(start or enrollment.start_date, today)
        document.period_end = today
    else:
        closure = Closure.objects.filter(enrollment=enrollment).first()
        document.period_start = enrollment.start_date
        document.period_end = closure.date if closure else today
        if closure:
            document.summary, document.recommendations = closure.summary, closure.recommendations
    return children


@transaction.atomic
def document_start(*, enrollment: Enrollment, kind: str, by: User, today: date | None = None) -> Document:
    """Open the draft of the next document of `kind`, pre-filled from the previous one.

    Idempotent: if a draft of the kind exists (a second click, a colleague's draft), that draft is
    returned. The caller checked that `by` may change the enrolment. A plan or report needs an
    active enrolment; a closing summary can be written before and after the closure.
    """
    today = today or timezone.localdate()
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    existing = Document.objects.filter(enrollment=enrollment, kind=kind, status=Status.DRAFT).first()
    if existing:
        return existing
    if kind != Kind.CLOSING and enrollment.status != Enrollment.Status.ACTIVE:
        raise NotAllowedNow
    last_number = Document.objects.filter(enrollment=enrollment, kind=kind).aggregate(n=Max("number"))["n"] or 0
    document = Document(enrollment=enrollment, kind=kind, number=last_number + 1, created_by=by)
    children = _prefill(document, enrollment, today)
    document.save()
    for child in children:
        child.document = document
        child.save()
    _event(document, by, f"{document} påbörjad")
    return document


@transaction.atomic
def document_correct(*, document: Document, by: User) -> Document:
    """A new version of a finalised document, to be corrected and finalised with a note of what
    changed. The finalised version stays as it was. Idempotent: the open correction is returned."""
    document = _locked(document)
    if document.is_draft:
        raise NotAllowedNow
    existing = Document.objects.filter(corrects=document).first()
    if existing:
        return existing
    if Document.objects.filter(enrollment_id=document.enrollment_id, kind=document.kind, status=Status.DRAFT).exists():
        raise NotAllowedNow  # one draft per kind at a time: finish (or use) the open draft first
    copy = Document(
        enrollment_id=document.enrollment_id,
        kind=document.kind,
        number=document.number,
        version=document.version + 1,
        corrects=document,
        created_by=by,
        **{f: getattr(document, f) for f in CONTENT_FIELDS[document.kind]},
        planned_activities=document.planned_activities,
    )
    copy.save()
    SubGoal.objects.bulk_create(
        [
            SubGoal(document=copy, position=s.position, **{f: getattr(s, f) for f in SUB_GOAL_FIELDS})
            for s in document.sub_goals.all()
        ]
    )
    Evaluation.objects.bulk_create(
        [
            Evaluation(document=copy, position=e.position, goal=e.goal, result=e.result, comment=e.comment)
            for e in document.evaluations.all()
        ]
    )
    _event(copy, by, f"{copy} (rättelse) påbörjad")
    return copy


# -- Saving a draft -----------------------------------------------------------------------


@transaction.atomic
def document_save_draft(
    *,
    document: Document,
    by: User,
    expected_revision: int,
    content: DocumentContent | None = None,
    sub_goals: list[SubGoalRow] | None = None,
    evaluations: list[EvaluationRow] | None = None,
    planned_activities: list[PlannedActivity] | None = None,
    change_note: str | None = None,
    signed_copy: File | None = None,
) -> Document:
    """Save what was typed into a draft (autosave and the save button alike).

    Refused (StaleEdit) when the draft moved on since `expected_revision` (another tab or a
    colleague), and (NotAllowedNow) when the document is no longer a draft. Sub-goals are replaced
    by the posted list; evaluations keep their goal text and take result and comment by position.
    What is None stays as it is.
    """
    document = _locked(document, expected_revision)
    if not document.is_draft:
        raise NotAllowedNow
    fields = list(CONTENT_FIELDS[document.kind]) if content is not None else []
    for name in fields:
        setattr(document, name, getattr(content, name))
    if planned_activities is not None and document.kind == Kind.ACTION_PLAN:
        document.planned_activities = [row.stored() for row in planned_activities]
        fields.append("planned_activities")
    if change_note is not None and document.version > 1:
        document.change_note = change_note
        fields.append("change_note")
    replaced = ""
    if signed_copy:
        replaced = document.signed_copy.name
        document.signed_copy = signed_copy
        fields.append("signed_copy")
    document.revision += 1
    document.save(update_fields=[*fields, "revision", "updated_at"])
    if replaced and replaced != document.signed_copy.name:
        delete_after_commit(document.signed_copy.storage, replaced)  # the replaced scan, once this commits
    if sub_goals is not None and document.kind == Kind.ACTION_PLAN:
        document.sub_goals.all().delete()
        SubGoal.objects.bulk_create(
            [
                SubGoal(
                    document=document,
                    position=i,
                    goal=row.goal,
                    activities=row.activities,
                    responsible=row.responsible,
                    due_on=row.due_on,
                )
                for i, row in enumerate(sub_goals)
            ]
        )
    if evaluations is not None:
        for evaluation in document.evaluations.all():
            row = evaluations[evaluation.position] if evaluation.position < len(evaluations) else None
            if row is not None:
                evaluation.result, evaluation.comment = row.result, row.comment
                evaluation.save(update_fields=["result", "comment"])
    return document


# -- Finalising --------------------------------------------------------------------------


def missing_for_final(document: Document) -> list[str]:
    """What must be filled in before the document can be finalised, in the users' words."""
    missing = []
    if not document.period_start or not document.period_end:
        missing.append("Perioden (från och till).")
    elif document.period_end < document.period_start:
        missing.append("Perioden slutar före den börjar.")
    if document.kind == Kind.ACTION_PLAN:
        if not document.direction:
            missing.append("Inriktning (arbete eller studier).")
        if not document.goal.strip():
            missing.append("Deltagarens mål.")
        goals = list(document.sub_goals.all())
        if not goals:
            missing.append("Minst ett delmål.")
        for i, goal in enumerate(goals, start=1):
            lacking = [
                label
                for label, value in (
                    ("delmål", goal.goal.strip()),
                    ("aktiviteter", goal.activities.strip()),
                    ("ansvarig", goal.responsible),
                    ("klart senast", goal.due_on),
                )
                if not value
            ]
            if lacking:
                missing.append(f"Delmål {i}: {', '.join(lacking)}.")
        if not document.planned_activities:
            missing.append("Planerade aktiviteter per vecka.")
        for i, evaluation in enumerate(document.evaluations.all(), start=1):
            if not evaluation.result:
                missing.append(f"Utvärdering av förra planens delmål {i}: bedömning.")
        if not document.agreed_on:
            missing.append("Datum då deltagaren godkände planen.")
    elif document.kind == Kind.REPORT:
        for field, label in (
            ("progress", "Fas och utveckling."),
            ("assessment", "Bedömning."),
            ("next_steps", "Nästa steg."),
        ):
            if not getattr(document, field).strip():
                missing.append(label)
    else:
        for field, label in (
            ("summary", "Sammanfattning."),
            ("recommendations", "Rekommendationer."),
            ("next_steps", "Föreslagna nästa steg."),
        ):
            if not getattr(document, field).strip():
                missing.append(label)
        if not Closure.objects.filter(enrollment_id=document.enrollment_id).exists():
            missing.append("Avslutet är inte registrerat för inskrivningen.")
    if document.version > 1 and not document.change_note.strip():
        missing.append("Vad som ändrats jämfört med förra versionen.")
    return missing


def may_receive(enrollment: Enrollment, user: User) -> bool:
    """May documents of this enrolment go to `user` outside IST? Never for a person with protected
    identity; otherwise only within the consent of the enrolment's referral (the referrer's
    organisation and the authorities by kind it names), and not once it is withdrawn
    (docs/decisions/0019). The one rule every delivery, share and re-check asks."""
    if enrollment.participant.protected_identity or enrollment.referral is None:
        return False
    return enrollment.referral.consent_covers(user)


def _deliver(document: Document, recipients: list[User], by: User, *, referrer: User | None) -> list[Delivery]:
    """Grant the recipients the document and record the deliveries (once per person). Recipients the
    consent does not cover, and everyone for a protected person, are left out (may_receive)."""
    created = []
    enrollment = Enrollment.objects.select_related("participant", "referral").get(pk=document.enrollment_id)
    for user in dict.fromkeys(recipients):
        if not may_receive(enrollment, user):
            continue
        delivery, new = Delivery.objects.get_or_create(
            document=document,
            recipient=user,
            defaults={"delivered_by": by, "is_referrer": referrer is not None and user.pk == referrer.pk},
        )
        if not new and delivery.revoked_at:
            delivery.revoked_at = None
            delivery.save(update_fields=["revoked_at"])
        grant(VIEW_PERM, user, document)
        created.append(delivery)
    return created


@transaction.atomic
def document_finalise(
    *, document: Document, by: User, expected_revision: int, recipients: list[User] | None = None
) -> Document:
    """Mark the draft final: it can no longer change; the PDF is rendered by a task and the
    referrer (always) and the chosen parties are given it and told once it is ready.

    Incomplete lists what is missing; StaleEdit if the draft moved on; NotAllowedNow if it is
    already final (a double submit changes nothing twice). A report back keeps the attendance
    figures as they are now.
    """
    document = _locked(document, expected_revision)
    if not document.is_draft:
        raise NotAllowedNow
    missing = missing_for_final(document)
    if missing:
        raise Incomplete(missing)
    enrollment = Enrollment.objects.select_related("referral__referrer").get(pk=document.enrollment_id)
    period = _current_phase(enrollment)
    document.phase_label = period.get_phase_display() if period else ""
    if document.kind == Kind.REPORT and document.period_start and document.period_end:  # both required above
        document.attendance = attendance_for(enrollment, document.period_start, document.period_end)
    document.status = Status.PENDING
    document.finalised_by, document.finalised_at = by, timezone.now()
    document.revision += 1
    document.save(
        update_fields=["status", "finalised_by", "finalised_at", "phase_label", "attendance", "revision", "updated_at"]
    )
    referrer = enrollment.referral.referrer if enrollment.referral else None
    people = [referrer] if referrer and referrer.is_active else []
    if document.corrects_id:  # a correction reaches everyone who had the corrected version
        people += [
            d.recipient
            for d in Delivery.objects.filter(document_id=document.corrects_id, revoked_at__isnull=True).select_related(
                "recipient"
            )
        ]
    people += list(recipients or [])
    _deliver(document, people, by, referrer=referrer)
    _event(document, by, f"{document} slutförd")
    # The plan or report is written: its reminders go now, with the next due date counted from this one.
    sweep_for(enrollment)
    render_queue(document_id=document.pk, occasion="finalised")
    return document


@transaction.atomic
def document_share(*, document: Document, recipients: list[User], by: User) -> list[Delivery]:
    """Give a finalised document to more parties; those not yet told are told (now if the PDF
    exists, else when it is ready)."""
    document = _locked(document)
    if document.is_draft:
        raise NotAllowedNow
    enrollment = Enrollment.objects.select_related("referral__referrer").get(pk=document.enrollment_id)
    deliveries = _deliver(
        document, recipients, by, referrer=enrollment.referral.referrer if enrollment.referral else None
    )
    if document.is_final:
        _notify(document)
    return deliveries


def _notify(document: Document) -> int:
    """Tell every recipient not yet told that the document is ready; each exactly once (claimed
    by a conditional update before the e-mail is queued)."""
    told = 0
    for delivery in Delivery.objects.filter(document=document, notified_at__isnull=True, revoked_at__isnull=True):
        if Delivery.objects.filter(pk=delivery.pk, notified_at__isnull=True).update(notified_at=timezone.now()):
            emails.send(emails.DOCUMENT_READY, delivery.pk, key="ready")
            told += 1
    return told


# -- Rendering (called by the task) ---------------------------------------------------------

RENDER_TASK = "participants.documents.tasks.render_document"


def render_queue(*, document_id: int, occasion: str) -> bool:
    """Record the render task in the outbox, in the current transaction (it runs after the commit,
    or when the broker is back); `occasion` tells a finalisation from a sweep's later try."""
    return outbox.enqueue_task(key=f"render-document:{document_id}:{occasion}", task=RENDER_TASK, args=[document_id])


def document_render(*, document_id: int) -> bool:
    """Render a pending document's PDF once, store it with its SHA-256, make it final and tell the
    recipients. Safe to run twice and concurrently: the row is claimed with
    select_for_update(skip_locked=True) and only a pending document is rendered. A failure leaves
    the document pending, is recorded on it (the handledare sees it) and is raised, so the task
    retries with backoff."""
    try:
        with transaction.atomic():
            document = (
                Document.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("enrollment__participant", "enrollment__team")
                .filter(pk=document_id, status=Status.PENDING)
                .first()
            )
            if document is None:
                return False  # already final, still a draft, or being rendered by another worker
            rendered = render_pdf(printing.template_for(document), printing.context_for(document))
            document.sha256 = store(document.pdf, f"{document.public_id}-v{document.version}.pdf", rendered.content)
            document.status = Status.FINAL
            document.rendered_at = timezone.now()
            document.render_attempts += 1
            document.render_error = ""
            document.save(
                update_fields=[
                    "pdf",
                    "sha256",
                    "status",
                    "rendered_at",
                    "render_attempts",
                    "render_error",
                    "updated_at",
                ]
            )
            _notify(document)
    except Exception as exc:
        Document.objects.filter(pk=document_id, status=Status.PENDING).update(
            render_attempts=F("render_attempts") + 1, render_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.exception("rendering document %s failed", document_id)
        raise
    log.info("rendered %s (%s)", document.reference, rendered.sha256[:12])
    return True


# -- Parties and downloads ------------------------------------------------------------------


@transaction.atomic
def contact_add(*, enrollment: Enrollment, user: User, role: str, by: User) -> Contact:
    """Add a party around the participant. Idempotent: an existing contact gets the new role."""
    contact, created = Contact.objects.get_or_create(
        enrollment=enrollment, user=user, defaults={"role": role, "added_by": by}
    )
    if not created and contact.role != role:
        contact.role = role
        contact.save(update_fields=["role"])
    return contact


@transaction.atomic
def contact_remove(*, contact: Contact, by: User) -> None:
    """Remove a party: their grants to the enrolment's documents are revoked (the referrer keeps
    theirs: that right comes from the referral, not from being a contact)."""
    enrollment = Enrollment.objects.select_related("referral").get(pk=contact.enrollment_id)
    is_referrer = enrollment.referral is not None and enrollment.referral.referrer_id == contact.user_id
    if not is_referrer:
        for delivery in Delivery.objects.filter(document__enrollment=enrollment, recipient=contact.user).select_related(
            "document"
        ):
            revoke(VIEW_PERM, contact.user, delivery.document)
            if delivery.revoked_at is None:
                delivery.revoked_at = timezone.now()
                delivery.save(update_fields=["revoked_at"])
    contact.delete()


@transaction.atomic
def deliveries_enforce(*, enrollment_ids: list[int]) -> int:
    """Revoke every delivery of these enrolments' documents that may_receive no longer allows (the
    consent was withdrawn or narrowed, or the person was given protected identity): the grant is
    taken back and the delivery marked revoked, so neither a download nor a pending "ready" e-mail
    reaches them. Idempotent; returns how many were revoked now."""
    revoked = 0
    enrollments = {
        e.pk: e for e in Enrollment.objects.filter(pk__in=enrollment_ids).select_related("participant", "referral")
    }
    deliveries = (
        Delivery.objects.select_for_update(of=("self",))
        .filter(document__enrollment_id__in=enrollment_ids, revoked_at__isnull=True)
        .select_related("document", "recipient__organisation")
    )
    for delivery in deliveries:
        if may_receive(enrollments[delivery.document.enrollment_id], delivery.recipient):
            continue
        revoke(VIEW_PERM, delivery.recipient, delivery.document)
        delivery.revoked_at = timezone.now()
        delivery.save(update_fields=["revoked_at"])
        revoked += 1
    if revoked:
        log.info("revoked %s deliveries of enrolments %s", revoked, enrollment_ids)
    return revoked


@transaction.atomic
def download_record(*, document: Document, user: User, ip: str | None) -> Download:
    """Record a download, and that the user has now read the document (the inbox stops marking it
    "Ny"): once per user and version, a second download changes nothing of the read."""
    DocumentRead.objects.bulk_create([DocumentRead(document=document, user=user)], ignore_conflicts=True)
    return Download.objects.create(document=document, user=user, ip=ip)
