"""Gallring by the rules: the day before a record is due nothing happens, on the day it is deleted
or anonymised with its files; a second run does nothing; a spärr stops it; the gallringslogg counts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from ist.reminders.models import Notification
from ist.retention import services
from ist.retention.models import Kind, LegalHold, RetentionLogLine, RetentionRule, RetentionRun
from participants.models import Activity, Closure, Document, Enrollment, Participant
from referrals.models import AgendaItem, ConsultativeQuestion, Referral
from tests.referrals import builders as referral_builders
from tests.retention import builders

pytestmark = pytest.mark.django_db

DAY = date(2020, 1, 15)


def counts(run: RetentionRun) -> dict[tuple[str, str, str], int]:
    return {(line.rule, line.record, line.action): line.count for line in run.lines.all()}


def on_disk(media: Path, name: str) -> bool:
    return (media / name).exists()


def test_draft_is_deleted_with_its_file_on_the_day_not_the_day_before(gallra, media, users) -> None:
    draft = builders.with_scan(referral_builders.draft(users["referrer"]))
    builders.age_referral(draft, DAY)  # rule: 6 months from the last change
    assert on_disk(media, draft.attachment.name)

    run = gallra(date(2020, 7, 14))
    assert Referral.objects.filter(pk=draft.pk).exists()
    assert counts(run) == {}

    run = gallra(date(2020, 7, 15))
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not on_disk(media, draft.attachment.name)
    assert counts(run) == {
        (Kind.DRAFT_REFERRAL, "Remissutkast", "deleted"): 1,
        (Kind.DRAFT_REFERRAL, "Fil", "deleted"): 1,
    }

    again = gallra(date(2020, 7, 15))
    assert counts(again) == {}


def test_rejected_referral_is_anonymised_two_years_after_the_decision(gallra, media, users) -> None:
    coordinator = users["koordinator"]
    referral = referral_builders.submitted(users["referrer"])
    item = referral_builders.on_agenda(referral, referral_builders.meeting(coordinator), coordinator)
    from referrals import services as referral_services

    referral_services.agenda_decide(item=item, decision=AgendaItem.Decision.REJECT, reasoning="Utanför", by=coordinator)
    referral.refresh_from_db()
    builders.with_scan(referral)
    builders.age_referral(referral, DAY)
    number = referral.personnummer

    gallra(date(2022, 1, 14))
    referral.refresh_from_db()
    assert referral.personnummer == number
    assert referral.anonymised_at is None

    run = gallra(date(2022, 1, 15))
    referral.refresh_from_db()
    assert referral.anonymised_at is not None
    assert (referral.personnummer, referral.first_name, referral.last_name, referral.background) == ("", "", "", "")
    assert referral.attachment.name == ""
    assert referral.referrer_id is None  # gone from the referrer's "Mina remisser"
    assert referral.referrer_organisation_id is not None  # what the statistics count by
    # What the statistics read stays: team, status, dates, the decision.
    assert referral.status == Referral.Status.REJECTED
    assert referral.received_on
    assert referral.decided_at
    item.refresh_from_db()
    assert item.decision == AgendaItem.Decision.REJECT
    assert item.reasoning == ""
    assert not referral.events.exists()
    # Its change history went with the text (read entries stay for the access-log rule).
    changes = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Referral), object_id=referral.pk
    ).exclude(action=LogEntry.Action.ACCESS)
    assert not changes.exists()
    assert counts(run)[(Kind.REFERRAL_NOT_ENROLLED, "Remiss", "anonymised")] == 1
    assert not list(media.rglob("remiss*.pdf"))

    assert counts(gallra(date(2022, 1, 15))) == {}


def test_closed_enrolment_is_anonymised_five_years_after_the_last_entry(gallra, media, journey) -> None:
    enrollment = journey["enrollment"]
    plan = builders.close_with_everything(enrollment, journey["handledare"], journey["koordinator"])
    scan = builders.with_scan(enrollment.referral).attachment.name
    pdf, signed = plan.pdf.name, plan.signed_copy.name
    assert on_disk(media, pdf)
    assert on_disk(media, signed)
    assert on_disk(media, scan)
    builders.age_enrollment(enrollment, DAY)
    person = enrollment.participant
    activities = Activity.objects.filter(enrollment=enrollment).count()

    first = gallra(date(2025, 1, 14))
    assert Document.objects.filter(pk=plan.pk).exists()
    assert on_disk(media, pdf)
    # The scanned signed copy has its own, shorter rule (two years after the case ended).
    assert not on_disk(media, signed)
    assert Document.objects.get(pk=plan.pk).signed_copy.name == ""
    assert not on_disk(media, scan)  # so has the scanned referral
    assert counts(first) == {
        (Kind.UPLOADED_FILE, "Underskriven plan", "deleted"): 1,
        (Kind.UPLOADED_FILE, "Inskannad remiss", "deleted"): 1,
    }

    run = gallra(date(2025, 1, 15))
    enrollment.refresh_from_db()
    person.refresh_from_db()
    assert enrollment.anonymised_at is not None
    assert not Document.objects.filter(enrollment=enrollment).exists()
    assert not on_disk(media, pdf)
    assert not on_disk(media, signed)
    assert (person.first_name, person.last_name, person.phone, person.address) == ("", "", "", "")
    assert person.personnummer.startswith("X")
    assert person.anonymised_at is not None
    # Kept for the statistics: sex, birth year, municipality, activities with kind and attendance,
    # the closure's date and reason.
    assert person.sex
    assert person.birth_year
    assert person.municipality_id
    assert Activity.objects.filter(enrollment=enrollment).count() == activities
    assert not Activity.objects.filter(enrollment=enrollment).exclude(note="").exists()
    closure = Closure.objects.get(enrollment=enrollment)
    assert closure.reason.code == "arbete"
    assert closure.summary == ""
    assert enrollment.referral.anonymised_at is not None
    assert enrollment.referral.personnummer == ""
    lines = counts(run)
    assert lines[(Kind.CLOSED_ENROLLMENT, "Inskrivning", "anonymised")] == 1
    assert lines[(Kind.CLOSED_ENROLLMENT, "Deltagare", "anonymised")] == 1
    assert lines[(Kind.CLOSED_ENROLLMENT, "Dokument", "deleted")] == 1
    assert lines[(Kind.CLOSED_ENROLLMENT, "Fil", "deleted")] == 1  # the PDF

    assert counts(gallra(date(2025, 1, 15))) == {}


def test_a_later_entry_moves_the_day(gallra, media, journey) -> None:
    enrollment = journey["enrollment"]
    builders.close_with_everything(enrollment, journey["handledare"], journey["koordinator"])
    builders.age_enrollment(enrollment, DAY)
    follow_up = enrollment.follow_ups.get(months=6)
    follow_up.recorded_at = builders.at_noon(DAY + timedelta(days=180))
    follow_up.save(update_fields=["recorded_at"])

    gallra(date(2025, 1, 15))
    enrollment.refresh_from_db()
    assert enrollment.anonymised_at is None

    # Counted from the closure instead, it is due.
    RetentionRule.objects.filter(kind=Kind.CLOSED_ENROLLMENT).update(event="closure")
    gallra(date(2025, 1, 15))
    enrollment.refresh_from_db()
    assert enrollment.anonymised_at is not None


def test_a_person_with_another_stay_keeps_their_name(gallra, media, journey) -> None:
    """Only the old enrolment is anonymised; the person stays while a stay of theirs is kept."""
    closed = journey["closed"]
    builders.age_enrollment(closed, DAY)
    participant = closed.participant
    Enrollment.objects.filter(pk=journey["enrollment"].pk).update(participant=participant)  # a later stay
    gallra(date(2025, 1, 15))
    closed.refresh_from_db()
    participant.refresh_from_db()
    assert closed.anonymised_at is not None
    assert participant.anonymised_at is None
    assert participant.first_name


def test_legal_hold_stops_gallring_until_released(gallra, media, journey) -> None:
    enrollment = journey["enrollment"]
    plan = builders.close_with_everything(enrollment, journey["handledare"], journey["koordinator"])
    builders.age_enrollment(enrollment, DAY)
    number = enrollment.participant.personnummer
    hold, created = services.hold_place(personnummer=number, reason="Begäran dnr 2025-12", by=journey["administrator"])
    assert created

    assert [line.count for line in services.preview(today=date(2025, 1, 15)) if line.record == "Inskrivning"] == [0]
    run = gallra(date(2025, 1, 15))
    assert counts(run) == {}
    assert Document.objects.filter(pk=plan.pk).exists()
    assert on_disk(media, plan.pdf.name)

    assert services.hold_release(hold_id=hold.pk, by=journey["administrator"])
    assert not services.hold_release(hold_id=hold.pk, by=journey["administrator"])  # twice: nothing
    gallra(date(2025, 1, 15))
    assert not Document.objects.filter(pk=plan.pk).exists()
    assert not LegalHold.objects.exists()


def test_answered_question_is_anonymised_after_two_years(gallra, users) -> None:
    question = referral_builders.question(
        users["referrer"],
        personnummer="198501012396",
        person_name="Åke Frågasson",
        consent_given=True,  # a named question needs the person's consent (docs/decisions/0019)
        consent_date=DAY,
    )
    ConsultativeQuestion.objects.filter(pk=question.pk).update(
        status=ConsultativeQuestion.Status.ANSWERED, answer="Ja", answered_at=builders.at_noon(DAY)
    )
    gallra(date(2022, 1, 14))
    question.refresh_from_db()
    assert question.person_name == "Åke Frågasson"
    gallra(date(2022, 1, 15))
    question.refresh_from_db()
    assert (question.personnummer, question.person_name, question.question, question.answer) == ("", "", "", "")
    assert question.team_id
    assert question.created_at


def test_access_log_kept_five_years_and_held_people_kept(gallra, users) -> None:
    def entry(person: str) -> LogEntry:
        row = LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Participant),
            object_pk="1",
            object_id=1,
            object_repr="x",
            action=LogEntry.Action.ACCESS,
            additional_data={"person": person},
        )
        LogEntry.objects.filter(pk=row.pk).update(timestamp=builders.at_noon(DAY))
        return row

    plain, held = entry("pnr:198501012396"), entry("pnr:197001012384")
    LegalHold.objects.create(personnummer="197001012384", reason="Klagomål", placed_by=users["administrator"])
    gallra(date(2025, 1, 14))
    assert LogEntry.objects.filter(pk__in=[plain.pk, held.pk]).count() == 2
    run = gallra(date(2025, 1, 15))
    assert not LogEntry.objects.filter(pk=plain.pk).exists()
    assert LogEntry.objects.filter(pk=held.pk).exists()
    assert counts(run)[(Kind.ACCESS_LOG, "Åtkomstloggpost", "deleted")] == 1


def test_done_reminders_go_after_a_year_open_ones_stay(gallra, journey) -> None:
    from ist.reminders.tasks import sweep_journey

    sweep_journey()
    Notification.objects.update(updated_at=builders.at_noon(DAY))
    # The open ones: the journey's new-work items (decision 0030) are already resolved, and gallring
    # takes resolved items after a year like done ones.
    items = list(Notification.objects.filter(state=Notification.State.OPEN).values_list("pk", flat=True))
    assert items, "the sweep made reminders"
    done = items[0]
    Notification.objects.filter(pk=done).update(state=Notification.State.DONE)
    gallra(date(2021, 1, 14))
    assert Notification.objects.filter(pk=done).exists()
    gallra(date(2021, 1, 15))
    assert not Notification.objects.filter(pk=done).exists()
    assert Notification.objects.filter(pk__in=items[1:]).count() == len(items) - 1


def test_sent_outbox_messages_go_with_the_reminders_pending_and_failed_ones_stay(gallra) -> None:
    from ist.outbox.models import Message

    sent_at = builders.at_noon(DAY)
    sent = Message.objects.create(
        key="email:test:1:1",
        kind=Message.Kind.EMAIL,
        name="test",
        args=[1],
        status=Message.Status.DONE,
        done_at=sent_at,
    )
    waiting = Message.objects.create(key="email:test:2:1", kind=Message.Kind.EMAIL, name="test", args=[2])
    failed = Message.objects.create(
        key="email:test:3:1", kind=Message.Kind.EMAIL, name="test", args=[3], status=Message.Status.FAILED
    )
    Message.objects.filter(pk__in=[waiting.pk, failed.pk]).update(created_at=sent_at)
    gallra(date(2021, 1, 14))  # the rule: a year after it went out
    assert Message.objects.filter(pk=sent.pk).exists()
    run = gallra(date(2021, 1, 15))
    assert not Message.objects.filter(pk=sent.pk).exists()
    assert set(Message.objects.values_list("pk", flat=True)) >= {waiting.pk, failed.pk}
    assert counts(run)[(Kind.NOTIFICATION, "Utgående meddelande", "deleted")] == 1


def test_gallringslogg_holds_no_personal_data(gallra, media, journey) -> None:
    enrollment = journey["enrollment"]
    builders.close_with_everything(enrollment, journey["handledare"], journey["koordinator"])
    builders.age_enrollment(enrollment, DAY)
    participant = enrollment.participant
    secrets = [participant.personnummer, participant.personnummer[:8], participant.first_name, participant.last_name]
    secrets += [journey["handledare"].email, journey["referrer"].email]

    run = gallra(date(2025, 1, 15))
    assert run.lines.exists()
    logged = repr(list(RetentionRun.objects.values())) + repr(list(RetentionLogLine.objects.values()))
    for secret in secrets:
        assert secret not in logged


def test_preview_counts_what_the_run_removes(gallra, media, users) -> None:
    for _ in range(3):
        builders.age_referral(referral_builders.draft(users["referrer"]), DAY)
    preview = {(line.rule.kind, line.record): line.count for line in services.preview(today=date(2020, 7, 15))}
    assert preview[(Kind.DRAFT_REFERRAL, "Remissutkast")] == 3
    run = gallra(date(2020, 7, 15))
    assert counts(run)[(Kind.DRAFT_REFERRAL, "Remissutkast", "deleted")] == 3


def test_small_batches_do_all_the_work(gallra, media, users, settings) -> None:
    settings.IST_RETENTION_BATCH_SIZE = 2
    for _ in range(5):
        builders.age_referral(referral_builders.draft(users["referrer"]), DAY)
    run = gallra(date(2020, 7, 15))
    assert counts(run)[(Kind.DRAFT_REFERRAL, "Remissutkast", "deleted")] == 5
    assert not Referral.objects.filter(
        status=Referral.Status.DRAFT, updated_at__lt=builders.at_noon(DAY + timedelta(1))
    ).exists()


def test_inactive_rule_removes_nothing(gallra, media, users) -> None:
    builders.age_referral(referral_builders.draft(users["referrer"]), DAY)
    RetentionRule.objects.filter(kind=Kind.DRAFT_REFERRAL).update(active=False)
    assert counts(gallra(date(2020, 7, 15))) == {}
