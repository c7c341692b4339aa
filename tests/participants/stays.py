"""A person's stays in several teams, for the tests of the person's history (docs/decisions/0031)."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.utils import timezone

from participants import services
from participants.inputs import ClosureFields, EntryVariables
from participants.models import Enrollment, ExitReason
from referrals import services as referral_services
from referrals.models import AgendaItem, InformationMeeting, Referral
from teams.models import User
from tests.referrals import builders


def ready_in(team_slug: str, referrer: User, coordinator: User, **overrides: Any) -> Referral:
    """A referral to `team_slug` (its municipality in `overrides`) that is ready for enrolment."""
    referral = builders.submitted(referrer, **overrides)
    item = builders.on_agenda(referral, builders.meeting(coordinator, team_slug), coordinator)
    referral_services.agenda_decide(item=item, decision=AgendaItem.Decision.ACCEPT, reasoning="Ja.", by=coordinator)
    referral.refresh_from_db()
    info = referral_services.info_meeting_book(
        referral=referral, date=timezone.localdate(), start_time=time(10, 0), place="IST", attendees=[], by=coordinator
    )
    referral_services.info_meeting_record_outcome(
        meeting=info, outcome=InformationMeeting.Outcome.WANTS_TO_START, note="", by=coordinator
    )
    referral.refresh_from_db()
    return referral


def closed_stay(
    team_slug: str,
    referrer: User,
    coordinator: User,
    handledare: User,
    *,
    start: date,
    end: date,
    reason: str = "arbete",
    **overrides: Any,
) -> Enrollment:
    """A stay in `team_slug` from `start` to `end`, closed with the exit reason `reason`."""
    referral = ready_in(team_slug, referrer, coordinator, **overrides)
    stay = services.enroll(
        referral=referral,
        responsible=handledare,
        second_contact=None,
        start_date=start,
        by=coordinator,
        entry=EntryVariables(),
    )
    services.close(
        enrollment=stay,
        by=coordinator,
        values=ClosureFields(date=end, reason=ExitReason.objects.get(code=reason)),
    )
    stay.refresh_from_db()
    return stay


def a_year_ago() -> tuple[date, date]:
    today = timezone.localdate()
    return today - timedelta(days=400), today - timedelta(days=200)
