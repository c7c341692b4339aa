"""Document life cycle: start from the previous one, autosave, finalise, render once, correct, share."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import cast

import pytest
from django.core import mail
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from ist.errors import NotAllowedNow, StaleEdit
from ist.messaging.registry import deliver
from participants import services as journey_services
from participants.documents import services
from participants.documents.emails import DOCUMENT_READY
from participants.documents.inputs import DocumentContent
from participants.documents.models import Delivery, Document
from participants.documents.selectors import attendance_for, documents_for
from participants.models import ActivityKind, Closure
from tests.factories import ReferrerFactory
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db
Kind, Status = Document.Kind, Document.Status


def pdf_text(document: Document) -> str:
    document.pdf.open("rb")
    try:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(document.pdf.read())).pages)
        return " ".join(text.split())  # table cells wrap: compare words, not lines
    finally:
        document.pdf.close()


def test_a_first_plan_is_prefilled_with_the_phase_requirements_and_a_three_month_period(enrollment, journey):
    plan = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["handledare"])
    assert plan.number == 1
    assert plan.version == 1
    assert plan.status == Status.DRAFT
    assert {row["kind"] for row in plan.planned_activities} == set(ActivityKind.values)
    assert plan.period_start == timezone.localdate()
    assert plan.period_end is not None
    assert (plan.period_end - plan.period_start).days in range(88, 92)
    again = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["koordinator"])
    assert again.pk == plan.pk  # a second click opens the same draft


def test_a_draft_save_based_on_an_older_revision_is_refused(enrollment, journey):
    plan = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["handledare"])
    services.document_save_draft(
        document=plan, by=journey["handledare"], expected_revision=1, content=DocumentContent.of(plan, goal="Mål A")
    )
    with pytest.raises(StaleEdit):
        services.document_save_draft(
            document=plan, by=journey["handledare"], expected_revision=1, content=DocumentContent.of(plan, goal="Mål B")
        )
    plan.refresh_from_db()
    assert plan.goal == "Mål A"
    assert plan.revision == 2


def test_finalising_an_incomplete_plan_lists_what_is_missing(enrollment, journey):
    plan = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["handledare"])
    with pytest.raises(services.Incomplete) as caught:
        services.document_finalise(document=plan, by=journey["handledare"], expected_revision=plan.revision)
    assert "Deltagarens mål." in caught.value.missing
    assert "Minst ett delmål." in caught.value.missing
    assert "Datum då deltagaren godkände planen." in caught.value.missing
    plan.refresh_from_db()
    assert plan.status == Status.DRAFT


def test_finalising_grants_the_referrer_and_a_double_submit_changes_nothing(enrollment, journey):
    handledare, referrer = journey["handledare"], journey["referrer"]
    plan = builders.final_plan(enrollment, handledare)
    assert plan.status == Status.PENDING
    assert plan.finalised_by == handledare
    assert plan.finalised_at
    assert documents_for(referrer).filter(pk=plan.pk).exists()
    assert Delivery.objects.get(document=plan).is_referrer
    with pytest.raises(NotAllowedNow):
        services.document_finalise(document=plan, by=handledare, expected_revision=plan.revision)
    with pytest.raises(NotAllowedNow):
        services.document_save_draft(
            document=plan, by=handledare, expected_revision=plan.revision, content=DocumentContent.of(plan, goal="x")
        )


def test_a_draft_is_never_visible_to_the_referrer(enrollment, journey):
    plan = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["handledare"])
    assert not documents_for(journey["referrer"]).filter(pk=plan.pk).exists()
    assert documents_for(journey["handledare"]).filter(pk=plan.pk).exists()


def test_rendering_stores_a_tagged_pdf_once_and_tells_the_referrer_once(
    enrollment, journey, django_capture_on_commit_callbacks
):
    handledare = journey["handledare"]
    with django_capture_on_commit_callbacks(execute=False):
        plan = builders.final_plan(enrollment, handledare)
    with django_capture_on_commit_callbacks(execute=False) as told:
        assert services.document_render(document_id=plan.pk) is True
        assert services.document_render(document_id=plan.pk) is False  # already final: nothing twice
    assert len(told) == 1  # one e-mail queued for the one recipient
    plan.refresh_from_db()
    assert plan.status == Status.FINAL
    assert len(plan.sha256) == 64
    text = pdf_text(plan)
    participant = enrollment.participant
    for expected in (
        "Handlingsplan 1",
        f"{participant.first_name} {participant.last_name}",
        f"{plan.period_start:%Y-%m-%d} – {plan.period_end:%Y-%m-%d}",
        "Åka buss på egen hand till träningen",
        "Närvaro tre dagar i veckan",
        "Försäkringskassan följer upp",
        f"{plan.reference} · version 1",
        "Sida 1 av",
        enrollment.team.name,
    ):
        assert expected in text, text
    assert "UTKAST" not in text
    reader = PdfReader(plan.pdf.path)
    assert "/StructTreeRoot" in cast(DictionaryObject, reader.trailer["/Root"])
    # What the queued task sends (the task itself runs in test_tasks_integration.py):
    deliver(DOCUMENT_READY, Delivery.objects.get(document=plan).pk)
    assert [m.to for m in mail.outbox] == [[journey["referrer"].email]]
    assert "Handlingsplan" in mail.outbox[0].subject
    assert participant.last_name not in mail.outbox[0].body  # no personal data in e-mail


def test_a_render_failure_leaves_the_document_pending_with_the_error(enrollment, journey, monkeypatch):
    plan = builders.final_plan(enrollment, journey["handledare"])

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(services, "render_pdf", broken)
    with pytest.raises(OSError, match="disk full"):
        services.document_render(document_id=plan.pk)
    plan.refresh_from_db()
    assert plan.status == Status.PENDING
    assert plan.render_attempts == 1
    assert "disk full" in plan.render_error


def test_the_next_plan_starts_from_the_previous_one_with_its_sub_goals_to_evaluate(enrollment, journey):
    handledare = journey["handledare"]
    first = builders.final_plan(enrollment, handledare)
    second = services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=handledare)
    assert second.number == 2
    assert second.goal == first.goal
    assert second.direction == first.direction
    assert first.period_end is not None
    assert second.period_start == first.period_end + timedelta(days=1)
    assert [e.goal for e in second.evaluations.all()] == [s.goal for s in first.sub_goals.all()]
    assert [s.goal for s in second.sub_goals.all()] == [s.goal for s in first.sub_goals.all()]
    with pytest.raises(services.Incomplete) as caught:
        services.document_finalise(document=second, by=handledare, expected_revision=second.revision)
    assert "Utvärdering av förra planens delmål 1: bedömning." in caught.value.missing


def test_a_correction_is_a_new_version_that_says_what_changed_and_reaches_the_same_people(enrollment, journey):
    handledare = journey["handledare"]
    party = ReferrerFactory.create()
    services.contact_add(enrollment=enrollment, user=party, role="Handläggare FK", by=handledare)
    first = builders.final_plan(enrollment, handledare, recipients=[party])
    correction = services.document_correct(document=first, by=handledare)
    assert services.document_correct(document=first, by=handledare).pk == correction.pk
    assert (correction.number, correction.version, correction.corrects_id) == (1, 2, first.pk)
    with pytest.raises(services.Incomplete) as caught:
        services.document_finalise(document=correction, by=handledare, expected_revision=correction.revision)
    assert caught.value.missing == ["Vad som ändrats jämfört med förra versionen."]
    correction = services.document_save_draft(
        document=correction, by=handledare, expected_revision=correction.revision, change_note="Nytt datum."
    )
    services.document_finalise(document=correction, by=handledare, expected_revision=correction.revision)
    assert set(Delivery.objects.filter(document=correction).values_list("recipient", flat=True)) == {
        journey["referrer"].pk,
        party.pk,
    }
    first.refresh_from_db()
    assert first.status == Status.PENDING
    assert first.goal == builders.PLAN["goal"]


def test_removing_a_contact_revokes_their_documents_but_not_the_referrers(enrollment, journey):
    handledare = journey["handledare"]
    party = ReferrerFactory.create()
    contact = services.contact_add(enrollment=enrollment, user=party, role="", by=handledare)
    plan = builders.final_plan(enrollment, handledare, recipients=[party])
    assert documents_for(party).filter(pk=plan.pk).exists()
    services.contact_remove(contact=contact, by=handledare)
    assert not documents_for(party).filter(pk=plan.pk).exists()
    assert documents_for(journey["referrer"]).filter(pk=plan.pk).exists()
    assert Delivery.objects.get(document=plan, recipient=party).revoked_at is not None


def test_a_report_keeps_the_attendance_computed_against_the_phase_requirements(enrollment, journey):
    handledare = journey["handledare"]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for kind in (ActivityKind.PHYSICAL, ActivityKind.WORK_TRAINING):
        journey_services.activity_log(
            enrollment=enrollment,
            kind=kind,
            day=monday,
            attendance="present",
            duration_minutes=60,
            note="",
            by=handledare,
        )
    report = services.document_start(enrollment=enrollment, kind=Kind.REPORT, by=handledare)
    assert report.period_start == enrollment.start_date
    assert report.period_end == today
    rows = {row["kind"]: row for row in attendance_for(enrollment, monday, today)}
    assert rows[ActivityKind.PHYSICAL]["required"] == 1
    assert rows[ActivityKind.PHYSICAL]["present"] == 1
    assert rows[ActivityKind.PHYSICAL]["percent"] == 100
    assert rows[ActivityKind.KNOWLEDGE]["present"] == 0
    assert rows[ActivityKind.KNOWLEDGE]["percent"] == 0
    report = builders.complete_report(report, handledare)
    report = services.document_finalise(document=report, by=handledare, expected_revision=report.revision)
    assert report.phase_label == "Arbetsförberedande"
    stored = {row["kind"]: row for row in report.attendance}
    assert stored[ActivityKind.WORK_TRAINING]["present"] >= 1


def test_a_closing_summary_needs_the_closure(enrollment, journey):
    handledare = journey["handledare"]
    summary = builders.complete_closing(
        services.document_start(enrollment=enrollment, kind=Kind.CLOSING, by=handledare), handledare
    )
    with pytest.raises(services.Incomplete) as caught:
        services.document_finalise(document=summary, by=handledare, expected_revision=summary.revision)
    assert caught.value.missing == ["Avslutet är inte registrerat för inskrivningen."]
    closed = journey["closed"]
    document = services.document_start(enrollment=closed, kind=Kind.CLOSING, by=journey["koordinator"])
    assert document.period_end == Closure.objects.get(enrollment=closed).date
    document = builders.complete_closing(document, handledare)
    assert (
        services.document_finalise(document=document, by=handledare, expected_revision=document.revision).status
        == Status.PENDING
    )
