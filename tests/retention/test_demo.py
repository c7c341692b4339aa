"""The demo holds records due for gallring and one spärr, so the Gallring page shows counts."""

from __future__ import annotations

import pytest

from ist.retention import services
from ist.retention.demo import DEMO_HOLD_REASON, seed_retention
from ist.retention.models import Kind, LegalHold
from referrals.models import Referral
from teams.demo import seed_organisation

pytestmark = pytest.mark.django_db


def test_demo_has_records_due_and_a_spärr(media) -> None:
    seed_organisation()  # seed_demo runs the rest too (tests/test_demo.py); this needs only the users
    assert seed_retention()["created"] == 5
    assert seed_retention() == {"created": 0}  # idempotent

    due = {(line.rule.kind, line.record): line.count for line in services.preview()}
    assert due[(Kind.DRAFT_REFERRAL, "Remissutkast")] == 2
    assert due[(Kind.REFERRAL_NOT_ENROLLED, "Remiss")] == 1  # the other one is held
    assert due[(Kind.CLOSED_ENROLLMENT, "Inskrivning")] == 1
    hold = LegalHold.objects.get(reason=DEMO_HOLD_REASON)
    assert Referral.objects.filter(personnummer=hold.personnummer, status=Referral.Status.REJECTED).exists()
