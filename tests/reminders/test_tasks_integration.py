"""The sweeps and the digest through a real Celery worker on the configured broker (Redis in CI):
run twice, they make exactly one notification and one e-mail per due item."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ist.reminders.models import EmailDelivery, Kind, Notification
from ist.reminders.tasks import send_digests, sweep_documents, sweep_journey, sweep_referrals, sweep_reports
from teams.demo import seed_organisation
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.health.test_tasks_integration import wait_for
from tests.referrals import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
EVERY_DAY = frozenset(range(1, 8))  # the digest goes out on weekdays; this test runs on any day


def test_sweeps_and_digests_twice_through_the_worker_give_one_notification_and_one_e_mail_each(celery_worker, settings):
    settings.IST_DIGEST_WEEKDAYS = EVERY_DAY
    seed_organisation()  # the transactional database starts empty
    referrer = ReferrerFactory.create()
    first = member(Membership.Role.KOORDINATOR, email="karin@test.example")
    second = member(Membership.Role.KOORDINATOR, email="kerstin@test.example")
    today = timezone.localdate()
    soon, late = builders.submitted(referrer), builders.submitted(referrer)
    soon.answer_deadline = today + timedelta(days=2)
    late.answer_deadline = today - timedelta(days=1)
    soon.save(update_fields=["answer_deadline"])
    late.save(update_fields=["answer_deadline"])

    for _ in range(2):
        for task in (sweep_referrals, sweep_journey, sweep_documents, sweep_reports):
            task.delay()
    coordinators = set(
        Membership.objects.filter(team__slug="halmstad-hylte", role=Membership.Role.KOORDINATOR).values_list(
            "user_id", flat=True
        )
    )
    assert {first.pk, second.pk} < coordinators  # and the demo organisation's coordinator
    expected = {
        (user, kind, referral.pk)
        for user in coordinators
        for kind, referral in ((Kind.ANSWER_SOON, soon), (Kind.ANSWER_OVERDUE, late))
    }

    def answer_items() -> set[tuple[int, str, int]]:
        return set(
            Notification.objects.filter(kind__in=[Kind.ANSWER_SOON, Kind.ANSWER_OVERDUE]).values_list(
                "recipient_id", "kind", "subject_id"
            )
        )

    assert wait_for(lambda: answer_items() == expected)
    time.sleep(1)  # the second round of sweeps has had its chance to duplicate
    assert Notification.objects.filter(kind__in=[Kind.ANSWER_SOON, Kind.ANSWER_OVERDUE]).count() == len(expected)
    # Report deadlines too, on some days; the open ones (a "Ny remiss" raised when the referral was
    # sent was resolved by the sweep when the test moved its deadline, and a resolved item is not sent).
    items = list(Notification.objects.filter(state=Notification.State.OPEN).select_related("recipient"))
    recipients = {item.recipient.email for item in items}

    send_digests.delay()
    send_digests.delay()
    assert wait_for(lambda: len(mail.outbox) >= len(recipients))
    time.sleep(1)  # the second digest run has had its chance to send again
    assert sorted(m.to[0] for m in mail.outbox) == sorted(recipients)  # one e-mail per person
    for item in items:  # every due item once in its recipient's one e-mail
        [message] = [m for m in mail.outbox if m.to == [item.recipient.email]]
        assert message.body.count(item.title) == 1, item.title
    assert EmailDelivery.objects.filter(sent_at__isnull=False).count() == len(recipients)
