"""The demo: what the worker computes after `seed_demo` (the package's one seeding, conftest.py) gives
every role with deadlines realistic items, and every item's link opens for its recipient."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone

from ist.outbox.models import Message
from ist.reminders import sweeps
from ist.reminders.models import Notification
from ist.reminders.tasks import sweep_everything_then_digest
from reports.tasks import sweep_reports_files
from teams.models import User

pytestmark = pytest.mark.django_db


def test_seed_demo_queues_the_sweeps_and_their_items_reach_every_role(demo):
    # seed_demo queues the report sweep, every reminder sweep and the digest for the worker, through
    # the outbox (handed over once the data is committed).
    tasks = list(
        Message.objects.filter(kind=Message.Kind.TASK, key__startswith="task:demo-").values_list("name", flat=True)
    )
    assert sorted(tasks) == sorted([sweep_reports_files.name, sweep_everything_then_digest.name])
    with transaction.atomic():
        sweeps.sweep_all()  # what that task does on the worker
    by_user = {
        email: set(Notification.objects.filter(recipient__email=email).values_list("kind", flat=True))
        for email in ("koordinator@ist.example", "handledare@ist.example")
    }
    assert {"answer_soon", "answer_overdue", "plan_overdue"} <= by_user["koordinator@ist.example"]
    # New work (decision 0030): a new referral, a completed one and a new question.
    assert {"new_referral", "referral_resubmitted", "new_question"} <= by_user["koordinator@ist.example"]
    assert {"plan_overdue", "report_due"} <= by_user["handledare@ist.example"]
    samverkan = Notification.objects.filter(recipient__email="samverkan@ist.example")
    assert set(samverkan.values_list("kind", flat=True)) == {"team_meeting_soon"}
    referrer_items = Notification.objects.filter(recipient__is_referrer=True)
    # The kompletteringar asked of them (decision 0030), one of them overdue.
    assert set(referrer_items.values_list("kind", flat=True)) == {"info_meeting_tomorrow", "info_asked"}
    asked = referrer_items.filter(kind="info_asked", state=Notification.State.OPEN)
    assert asked.filter(due_on__lt=timezone.localdate()).exists()
    assert asked.filter(due_on__gte=timezone.localdate()).exists()
    for user in User.objects.filter(notifications__isnull=False).distinct():
        client = Client()
        client.force_login(user)
        for url in set(Notification.objects.filter(recipient=user).values_list("url", flat=True)):
            assert client.get(url).status_code == 200, (user.email, url)
