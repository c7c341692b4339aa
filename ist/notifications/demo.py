"""Demo reminders: the real worker computes them. This seeder only adds what the other demo data
lacks for a reminder of every role (an information meeting on the next weekday, so the referrer and
the IST attendees have one) and queues every sweep and the digest through the outbox; the
worker `make run` starts picks them up, and beat keeps them current from then on."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from ist.outbox.services import enqueue_task
from referrals import services as referral_services
from referrals.models import InformationMeeting, Referral
from teams.models import Membership, Team, User


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@transaction.atomic
def seed_notifications() -> dict[str, int]:
    today = timezone.localdate()
    booked = 0
    team = Team.objects.filter(slug="halmstad-hylte").first()
    if team is not None and not InformationMeeting.objects.filter(referral__team=team, date__gt=today).exists():
        # The accepted referral whose information meeting a week ago has no outcome: the person did not
        # come, and a new time is booked for the next weekday.
        stale = (
            InformationMeeting.objects.filter(
                referral__team=team, referral__status=Referral.Status.ACCEPTED, outcome="", date__lt=today
            )
            .select_related("referral")
            .first()
        )
        coordinator = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.KOORDINATOR).first()
        handledare = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.HANDLEDARE).first()
        if stale is not None and coordinator is not None:
            referral_services.info_meeting_record_outcome(
                meeting=stale, outcome=InformationMeeting.Outcome.NO_SHOW, note="", by=coordinator
            )
            referral_services.info_meeting_book(
                referral=stale.referral,
                date=_next_weekday(today),
                start_time=time(10, 0),
                place="IST Halmstad/Hylte",
                attendees=[u for u in (coordinator, handledare) if u is not None],
                by=coordinator,
            )
            booked = 1
    enqueue_task(
        key=f"demo-sweeps:{timezone.now():%Y%m%dT%H%M%S%f}", task="ist.notifications.tasks.sweep_everything_then_digest"
    )
    return {"information_meetings_booked": booked, "sweeps_queued": 1}
