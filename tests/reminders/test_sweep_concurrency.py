"""Two sweeps at once (two beats, or a beat and `run_sweeps`) on PostgreSQL: no duplicates, and two
workers sending the same digest send it once."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connections, transaction
from django.utils import timezone

from ist.reminders import digest, sweeps
from ist.reminders.models import Kind, Notification
from referrals.models import Referral
from teams.demo import seed_organisation
from teams.models import Membership
from tests.databases import postgresql_only
from tests.factories import ReferrerFactory, member
from tests.referrals import builders

# SQLite serialises every writer, so only PostgreSQL shows what concurrent sweeps do (tests/databases.py).
pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), postgresql_only]


def run_together(target, times: int = 2) -> list[Any]:
    """Run `target` in `times` threads released at the same moment; their results (or exceptions)."""
    barrier = threading.Barrier(times)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def many_due(settings):
    settings.IST_DIGEST_WEEKDAYS = frozenset(range(1, 8))
    seed_organisation()
    referrer = ReferrerFactory.create()
    member(Membership.Role.KOORDINATOR)
    late = timezone.localdate() - timedelta(days=1)
    referrals = [builders.submitted(referrer) for _ in range(15)]
    for referral in referrals:  # on an agenda: only the answer is due ("Ny remiss" is not)
        referral.answer_deadline = late
        referral.status = Referral.Status.ON_AGENDA
        referral.save(update_fields=["answer_deadline", "status"])
    Notification.objects.all().delete()
    return referrals


def test_two_sweeps_at_once_make_no_duplicates(many_due):
    results = run_together(lambda: sweeps.sweep("referrals"))
    assert not [r for r in results if isinstance(r, Exception)], results
    rows = list(Notification.objects.values_list("recipient_id", "kind", "subject_id", "due_on"))
    coordinators = Membership.objects.filter(team__slug="halmstad-hylte", role=Membership.Role.KOORDINATOR).count()
    assert len(rows) == len(set(rows)) == len(many_due) * coordinators


def test_two_workers_sending_the_same_digest_send_it_once(many_due):
    sweeps.sweep("referrals")
    ids = digest.prepare(timezone.localdate())
    assert ids
    for delivery_id in ids:
        results = run_together(lambda delivery_id=delivery_id: digest.send(delivery_id))
        assert sorted(results) == [0, 1]
    assert len(mail.outbox) == len(ids)


def test_the_work_does_not_wait_for_a_sweep_holding_its_items(many_due):
    """A sweep that holds the referral's items (its transaction is open) does not hold up the
    coordinator's decision: sweep_for skips the locked rows, the decision commits at once, and the
    next sweep resolves what was skipped."""
    from referrals import services as referral_services

    sweeps.sweep("referrals")
    referral = many_due[0]
    coordinator = Membership.objects.filter(team__slug="halmstad-hylte", role=Membership.Role.KOORDINATOR)[0].user
    locked, release = threading.Event(), threading.Event()

    def hold_items() -> None:
        try:
            with transaction.atomic():
                list(Notification.objects.select_for_update().filter(subject_id=referral.pk))
                locked.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=hold_items)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        assert referral_services.referral_request_info(referral=referral, by=coordinator, message="Mer, tack.")
        assert time.monotonic() - started < 5  # did not wait for the holder
    finally:
        release.set()
        holder.join(timeout=30)
    answer = Notification.objects.filter(
        subject_id=referral.pk, kind=Kind.ANSWER_OVERDUE, state=Notification.State.OPEN
    )
    assert answer.exists()
    sweeps.sweep("referrals")
    assert not answer.exists()
