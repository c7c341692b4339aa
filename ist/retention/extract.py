"""The registerutdrag (GDPR art. 15): everything the system holds on one personnummer, as a PDF
with the stored files attached, built by the worker.

What it holds: the person (Participant), every referral naming the number (with consent, timeline,
decisions, information meetings), every consultative question naming it, every enrolment (phases,
activities, extensions, closure, follow-ups, parties, documents with who they were delivered to and
who downloaded them), a spärr if one stands, and who read the person's data (the access log, by the
person key "pnr:<number>"). The stored PDFs of final documents, signed copies and scanned referrals
are embedded as attachments, each named without personal data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone

from ist.pdf.rendering import PdfAttachment, render_pdf
from ist.pdf.storage import store
from ist.personnummer import formatted
from ist.questionnaires.models import Answer, Response
from ist.retention.models import LegalHold, RegisterExtract
from participants.models import Document, Enrollment, Participant
from referrals.models import ConsultativeQuestion, Referral

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import QuerySet
    from django.db.models.fields.files import FieldFile

log = logging.getLogger(__name__)

TEMPLATE = "retention/pdf/register_extract.html"


@dataclass
class Content:
    personnummer: str
    participant: Participant | None
    referrals: list[Referral]
    questions: list[ConsultativeQuestion]
    enrollments: Sequence[Enrollment]
    hold: LegalHold | None
    reads: list[LogEntry]
    attachments: list[PdfAttachment] = field(default_factory=list)
    missing_files: list[str] = field(default_factory=list)


def _read(stored: FieldFile) -> bytes | None:
    try:
        with stored.open("rb") as handle:
            return handle.read()
    except OSError:
        return None


def _self_assessments() -> QuerySet[Response]:
    answers = Answer.objects.select_related("question", "option").order_by("question__order", "pk")
    return (
        Response.objects.filter(identified=True)
        .select_related("version__questionnaire")
        .prefetch_related(Prefetch("answers", queryset=answers))
        .order_by("answered_on")
    )


def content_for(personnummer: str) -> Content:
    """Everything held on this person. A fixed number of queries (prefetches), whatever they hold."""
    participant = Participant.objects.select_related("municipality").filter(personnummer=personnummer).first()
    referrals = list(
        Referral.objects.filter(personnummer=personnummer)
        .select_related("team", "referrer", "referrer_organisation", "municipality", "support_kind")
        .prefetch_related("events", "agenda_items__meeting", "information_meetings")
        .order_by("created_at", "pk")
    )
    questions = list(
        ConsultativeQuestion.objects.filter(personnummer=personnummer)
        .select_related("team", "asked_by", "organisation")
        .order_by("created_at", "pk")
    )
    documents = Document.objects.exclude(status=Document.Status.DRAFT).prefetch_related(
        "sub_goals", "deliveries__recipient", "downloads__user"
    )
    enrollments = (
        list(
            Enrollment.objects.filter(participant=participant)
            .select_related("team", "responsible", "second_contact", "closure__reason")
            .prefetch_related(
                "phase_periods",
                "activities__kind",
                "extensions",
                "follow_ups",
                "contacts__user",
                Prefetch("documents", queryset=documents, to_attr="shown_documents"),
                # The self-assessments (identified answers); anonymous answers are nobody's (0036).
                Prefetch("questionnaire_responses", queryset=_self_assessments(), to_attr="self_assessments"),
            )
            .order_by("start_date", "pk")
        )
        if participant
        else []
    )
    reads = list(
        LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__person=f"pnr:{personnummer}")
        .select_related("actor", "content_type")
        .order_by("timestamp", "pk")
    )
    content = Content(
        personnummer=personnummer,
        participant=participant,
        referrals=referrals,
        questions=questions,
        enrollments=enrollments,
        hold=LegalHold.objects.filter(personnummer=personnummer).first(),
        reads=reads,
    )
    _attach(content)
    return content


def _attach(content: Content) -> None:
    """The stored files, named by kind and id (no personal data); a file missing from storage is
    named in the extract instead of failing it."""
    wanted: list[tuple[str, FieldFile, str]] = [
        (f"remiss-{referral.pk}-inskannad", referral.attachment, "Inskannad remiss")
        for referral in content.referrals
        if referral.attachment
    ]
    for enrollment in content.enrollments:
        for document in enrollment.shown_documents:  # type: ignore[attr-defined]  # Prefetch(to_attr=) above
            if document.pdf:
                name = f"{document.get_kind_display()} {document.number} v{document.version}"
                wanted.append((f"dokument-{document.pk}-v{document.version}", document.pdf, name))
            if document.signed_copy:
                wanted.append((f"dokument-{document.pk}-underskriven", document.signed_copy, "Underskriven kopia"))
    for stem, stored, description in wanted:
        name = stored.name or ""
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        data = _read(stored)
        if data is None:
            content.missing_files.append(f"{stem}{suffix}")
        else:
            content.attachments.append(PdfAttachment(name=f"{stem}{suffix}", content=data, description=description))


def context_for(extract: RegisterExtract, content: Content) -> dict[str, Any]:
    return {
        "title": f"Registerutdrag {extract.pk}",
        "document_id": f"RU-{extract.pk:06d}",
        "version": 1,
        "team_name": "Registerutdrag",
        "extract": extract,
        "content": content,
        "number": formatted(content.personnummer),
        "made_at": timezone.localtime(),
    }


def extract_build(*, extract_id: int) -> bool:
    """Build a pending registerutdrag once and store it with its SHA-256. Safe to run twice and
    concurrently: the row is claimed with select_for_update(skip_locked=True) and only a pending one
    is built. A failure is recorded on the row and raised, so the task retries with backoff."""
    try:
        with transaction.atomic():
            extract = (
                RegisterExtract.objects.select_for_update(skip_locked=True)
                .filter(pk=extract_id, status=RegisterExtract.Status.PENDING)
                .first()
            )
            if extract is None:
                return False
            content = content_for(extract.personnummer)
            rendered = render_pdf(TEMPLATE, context_for(extract, content), attachments=content.attachments)
            extract.sha256 = store(extract.pdf, f"{extract.public_id}.pdf", rendered.content)
            extract.status = RegisterExtract.Status.READY
            extract.built_at = timezone.now()
            extract.attempts += 1
            extract.error = ""
            extract.save(update_fields=["pdf", "sha256", "status", "built_at", "attempts", "error"])
    except Exception as exc:
        RegisterExtract.objects.filter(pk=extract_id, status=RegisterExtract.Status.PENDING).update(
            attempts=F("attempts") + 1, error=f"{type(exc).__name__}"[:200]
        )
        log.exception("building register extract %s failed", extract_id)
        raise
    log.info("built register extract %s (%s)", extract.pk, rendered.sha256[:12])
    return True


def extract_give_up(*, extract_id: int) -> None:
    """After the last retry: failed, so the page says so and offers a new order."""
    RegisterExtract.objects.filter(pk=extract_id, status=RegisterExtract.Status.PENDING).update(
        status=RegisterExtract.Status.FAILED
    )
