"""Decision e-mails through a real Celery worker on the configured broker (Redis in CI)."""

from __future__ import annotations

import pytest
from django.core import mail

from referrals import services
from referrals.models import AgendaItem
from teams.demo import seed_organisation
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.health.test_tasks_integration import wait_for
from tests.referrals import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_a_decision_reaches_the_referrer_by_email_through_the_worker(celery_worker) -> None:
    seed_organisation()  # the transactional database starts empty
    referrer = ReferrerFactory.create(email="remittent@test.example")
    coordinator = member(Membership.Role.KOORDINATOR)
    item = builders.on_agenda(builders.submitted(referrer), builders.meeting(coordinator), coordinator)
    services.agenda_decide(item=item, decision=AgendaItem.Decision.ACCEPT, reasoning="I målgruppen.", by=coordinator)
    # The new meeting's invite to the team goes out too (issue 18); this test follows the decision.
    assert wait_for(lambda: any(m.subject.startswith("Beslut") for m in mail.outbox))
    (message,) = [m for m in mail.outbox if m.subject.startswith("Beslut")]
    assert message.to == ["remittent@test.example"]
    assert message.subject == f"Beslut om remiss {item.referral_id}"
    assert "antagen" in message.body
