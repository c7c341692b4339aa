"""Participants and enrolments for tests, made through the services."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from participants import services
from participants.inputs import EntryVariables
from participants.models import Enrollment
from referrals import services as referral_services
from referrals.models import InformationMeeting, Referral
from teams.models import User
from tests.referrals import builders as referral_builders


def ready_referral(referrer: User, coordinator: User, **overrides: Any) -> Referral:
    """A referral accepted at a meeting whose information meeting ended in "wants to start"."""
    referral = referral_builders.accepted(referral_builders.submitted(referrer, **overrides), coordinator)
    meeting = referral_services.info_meeting_book(
        referral=referral, date=timezone.localdate(), start_time=time(10, 0), place="IST", attendees=[], by=coordinator
    )
    referral_services.info_meeting_record_outcome(
        meeting=meeting, outcome=InformationMeeting.Outcome.WANTS_TO_START, note="", by=coordinator
    )
    referral.refresh_from_db()
    return referral


def enrolled(
    referrer: User,
    coordinator: User,
    handledare: User,
    *,
    start: date | None = None,
    second_contact: User | None = None,
    **overrides: Any,
) -> Enrollment:
    referral = ready_referral(referrer, coordinator, **overrides)
    return services.enroll(
        referral=referral,
        responsible=handledare,
        second_contact=second_contact,
        start_date=start or timezone.localdate() - timedelta(days=60),
        by=coordinator,
        entry=EntryVariables(),
    )
