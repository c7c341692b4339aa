"""The sweep service: upsert on the unique key, resolve what is done, reopen what is due again;
the digest: one e-mail per user and day with what is new, opt-outs and snoozes respected."""

from __future__ import annotations

from datetime import date, timedelta
from smtplib import SMTPException
from typing import Any, cast

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from ist.reminders import digest, registry, sweeps
from ist.reminders.models import EmailDelivery, Kind, Notification, NotificationPreference
from referrals.models import Referral
from tests.referrals import builders

pytestmark = pytest.mark.django_db
State = Notification.State


@pytest.fixture
def overdue(users):
    """A referral a day past its answer deadline: the coordinator has one reminder. On an agenda, so
    "Ny remiss" (raised when it was sent, tests/referrals/test_arrivals.py) is no longer due."""
    referral = builders.submitted(users["referrer"])
    referral.answer_deadline = timezone.localdate() - timedelta(days=1)
    referral.status = Referral.Status.ON_AGENDA
    referral.save(update_fields=["answer_deadline", "status"])
    Notification.objects.all().delete()
    return referral


def test_a_sweep_twice_makes_each_item_once(users, overdue):
    first = sweeps.sweep("referrals")
    second = sweeps.sweep("referrals")
    assert first[Kind.ANSWER_OVERDUE] == {"due": 1, "new": 1, "reopened": 0, "resolved": 0}
    assert second[Kind.ANSWER_OVERDUE] == {"due": 1, "new": 0, "reopened": 0, "resolved": 0}
    item = Notification.objects.get()
    assert (item.recipient, item.kind, item.subject_id, item.due_on) == (
        users["koordinator"],
        Kind.ANSWER_OVERDUE,
        overdue.pk,
        overdue.answer_deadline,
    )
    assert item.url == f"/remisser/{overdue.pk}/granska/"
    assert "Åke" not in item.title
    assert overdue.last_name not in item.title
    assert f"Remiss {overdue.pk} (ÅT)" in item.title


def test_the_next_sweep_resolves_an_item_whose_work_is_done(users, overdue, caplog):
    """The safety net: work done without the service (here a bulk update; in life a lost sweep_for,
    or a change made in the admin) is caught by the next sweep."""
    sweeps.sweep("referrals")
    Referral.objects.filter(pk=overdue.pk).update(status=Referral.Status.ACCEPTED)
    with caplog.at_level("INFO", logger="ist.reminders"):
        counts = sweeps.sweep("referrals")
    assert counts[Kind.ANSWER_OVERDUE]["resolved"] == 1
    assert Notification.objects.get().state == State.RESOLVED
    assert "answer_overdue due=0 new=0 reopened=0 resolved=1" in caplog.text


def test_an_item_marked_done_stays_done_and_a_resolved_one_reopens_when_due_again(users, overdue):
    sweeps.sweep("referrals")
    Notification.objects.update(state=State.DONE)
    sweeps.sweep("referrals")
    assert Notification.objects.get().state == State.DONE
    Notification.objects.update(state=State.RESOLVED)
    counts = sweeps.sweep("referrals")
    assert counts[Kind.ANSWER_OVERDUE]["reopened"] == 1
    assert Notification.objects.get().state == State.OPEN


def test_an_open_items_title_follows_what_is_still_missing(users, overdue):
    sweeps.sweep("referrals")
    Notification.objects.update(title="gammal rubrik")
    sweeps.sweep("referrals")
    assert Notification.objects.get().title.startswith(f"Remiss {overdue.pk}")


def test_run_sweeps_runs_every_area_and_says_what_it_did(users, overdue, capsys):
    call_command("run_sweeps")
    out = capsys.readouterr().out
    for area in ("referrals:", "journey:", "documents:", "reports:"):
        assert area in out
    assert "answer_overdue due=1 new=1" in out
    call_command("run_sweeps", "--area", "referrals")
    assert "answer_overdue due=1 new=0" in capsys.readouterr().out
    assert (
        Notification.objects.count()
        == Notification.objects.values("recipient", "kind", "subject_id").distinct().count()
    )


# -- Digest ------------------------------------------------------------------------------------


def monday() -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def send_all(day) -> int:
    return sum(digest.send(pk) for pk in digest.prepare(day))


def test_the_digest_goes_out_once_per_user_and_day_with_initials_and_links_only(users, overdue):
    sweeps.sweep("referrals")
    day = monday()
    assert send_all(day) == 1
    assert send_all(day) == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [users["koordinator"].email]
    assert message.subject == "IST: 1 ny sak att göra"
    assert f"Remiss {overdue.pk} (ÅT)" in message.body
    assert f"http://127.0.0.1:8000/remisser/{overdue.pk}/granska/" in message.body
    assert overdue.last_name not in message.body
    assert overdue.personnummer not in message.body
    delivery = EmailDelivery.objects.get()
    assert delivery.sent_at is not None
    assert delivery.item_count == 1
    assert Notification.objects.get().delivery == delivery


def test_an_item_already_e_mailed_is_not_e_mailed_again_the_next_day(users, overdue):
    sweeps.sweep("referrals")
    assert send_all(monday()) == 1
    sweeps.sweep("referrals")
    assert send_all(monday() + timedelta(days=1)) == 0
    assert len(mail.outbox) == 1


def test_no_digest_on_a_weekend_what_came_up_goes_out_on_monday(users, overdue):
    sweeps.sweep("referrals")
    saturday = monday() + timedelta(days=5)
    assert digest.prepare(saturday) == []
    assert digest.prepare(saturday + timedelta(days=1)) == []
    assert send_all(saturday + timedelta(days=2)) == 1


def test_an_opted_out_kind_stays_in_the_inbox_but_not_in_the_e_mail(users, overdue):
    NotificationPreference.objects.create(user=users["koordinator"], kind=Kind.ANSWER_OVERDUE)
    sweeps.sweep("referrals")
    assert send_all(monday()) == 0
    assert mail.outbox == []
    assert Notification.objects.get().state == State.OPEN


def test_a_snoozed_item_waits_for_its_day(users, overdue):
    sweeps.sweep("referrals")
    day = monday()
    Notification.objects.update(snoozed_until=day + timedelta(days=2))
    assert send_all(day) == 0
    assert send_all(day + timedelta(days=2)) == 1


def test_a_digest_claimed_by_another_worker_is_not_sent_twice(users, overdue):
    sweeps.sweep("referrals")
    [delivery_id] = digest.prepare(monday())
    EmailDelivery.objects.filter(pk=delivery_id).update(claimed_at=timezone.now())
    assert digest.send(delivery_id) == 0
    # A claim older than the timeout belongs to a worker that died: it is taken over.
    EmailDelivery.objects.filter(pk=delivery_id).update(claimed_at=timezone.now() - timedelta(minutes=11))
    assert digest.send(delivery_id) == 1
    assert len(mail.outbox) == 1


def test_a_mail_server_error_releases_the_claim_for_the_retry(users, overdue, monkeypatch):
    sweeps.sweep("referrals")
    [delivery_id] = digest.prepare(monday())

    def refuse(*args, **kwargs):
        raise SMTPException("451 try again later")

    monkeypatch.setattr(digest, "send_mail", refuse)
    with pytest.raises(SMTPException):
        digest.send(delivery_id)
    delivery = EmailDelivery.objects.get(pk=delivery_id)
    assert delivery.claimed_at is None
    assert delivery.sent_at is None
    monkeypatch.undo()
    assert digest.send(delivery_id) == 1


def test_every_task_is_acknowledged_late_limited_in_time_and_retried_for_transient_errors_only():
    from smtplib import SMTPException as Smtp

    from django.conf import settings
    from django.db import InterfaceError, OperationalError

    from ist.reminders import tasks

    sweeps_ = [
        tasks.sweep_referrals,
        tasks.sweep_journey,
        tasks.sweep_documents,
        tasks.sweep_handover,
        tasks.sweep_reports,
    ]
    for task in [*sweeps_, tasks.send_digests, tasks.sweep_everything_then_digest]:
        assert task.acks_late
        assert task.time_limit
        assert task.soft_time_limit < task.time_limit
        assert set(task.autoretry_for) == {OperationalError, InterfaceError}
    assert set(cast(Any, tasks.send_digest).autoretry_for) == {  # celery-types omits the option
        Smtp,
        ConnectionError,
        TimeoutError,
        OperationalError,
        InterfaceError,
    }
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {t.name for t in [*sweeps_, tasks.send_digests]} <= scheduled


@pytest.mark.parametrize("area", list(registry.areas()))
def test_a_sweep_takes_the_same_number_of_queries_whatever_the_number_of_items(journey, area):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from teams.models import Membership
    from teams.services import user_deactivate
    from tests.factories import member
    from tests.participants import builders as participant_builders

    def queries() -> int:
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            sweeps.sweep(area)
        return len(captured.captured_queries)

    def add_due_items() -> None:
        late = builders.submitted(journey["referrer"])
        late.answer_deadline = timezone.localdate() - timedelta(days=1)
        late.save(update_fields=["answer_deadline"])
        enrollment = participant_builders.enrolled(  # a report back overdue, the inriktningstid ending
            journey["referrer"],
            journey["koordinator"],
            journey["handledare"],
            start=timezone.localdate() - timedelta(days=100),
        )
        enrollment.target_end = timezone.localdate() + timedelta(days=3)
        enrollment.save(update_fields=["target_end"])
        leaver = member(Membership.Role.HANDLEDARE)  # a deactivated handledare's participant: handover
        participant_builders.enrolled(journey["referrer"], journey["koordinator"], leaver)
        user_deactivate(user=leaver, by=journey["administrator"])

    add_due_items()
    queries()  # content types are looked up once per process
    few = queries()
    for _ in range(3):
        add_due_items()
    assert queries() == few
    assert Notification.objects.count() > 0 or area == "reports"  # reports depend on the date only
