"""Demo data for gallring: records past their time, so the Gallring page shows what the next run
would remove, and one spärr that keeps a person's old referral from being anonymised. The demo
switches every rule on (a real database starts with them off until an administrator turns them on,
docs/decisions/0018-retention.md), so `make run` shows a run that removes something.

The history lies years back, which the services do not let anyone record (they date things today),
so the old rows are written directly; referrals start as drafts through the service like any other.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone

from ist.retention.models import LegalHold, RetentionRule
from participants.models import (
    Activity,
    ActivityKind,
    Closure,
    Enrollment,
    ExitReason,
    Participant,
    Phase,
    PhasePeriod,
)
from referrals import services as referral_services
from referrals.demo_people import fake_personnummer
from referrals.inputs import ReferralFields
from referrals.models import Referral
from teams.demo import demo_email
from teams.models import Membership, Municipality, Team, User

DEMO_HOLD_REASON = "Klagomål till IVO, dnr 2026-0042 (demo)"


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _draft(referrer: User, municipality: Municipality, born: date, serial: int, first: str, last: str) -> Referral:
    values = ReferralFields(
        personnummer=fake_personnummer(born, serial),
        first_name=first,
        last_name=last,
        municipality=municipality,
        background="Exempel för gallring i demon.",
        authorities_involved=["fk"],
    )
    return referral_services.referral_save_draft(referrer=referrer, values=values).referral


@transaction.atomic
def seed_retention() -> dict[str, int]:
    RetentionRule.objects.filter(active=False).update(active=True)  # the demo's administrator has confirmed them
    if LegalHold.objects.filter(reason=DEMO_HOLD_REASON).exists():
        return {"created": 0}
    today = timezone.localdate()
    referrer = User.objects.get(email=demo_email("remittent.fk"))
    admin = User.objects.get(email=demo_email("admin"))
    team = Team.objects.get(slug="halmstad-hylte")
    municipality = Municipality.objects.get(name="Halmstad")
    handledare = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.HANDLEDARE).first()
    if handledare is None:  # seed_teams gives the team its handledare
        raise LookupError("Halmstad-Hylte har ingen handledare: kör seed_teams först.")

    # Two drafts nobody sent, last touched eight months ago.
    long_ago = _moment(today - relativedelta(months=8))
    for serial, (first, last) in enumerate([("Lina", "Utkastsson"), ("Omar", "Glömdsson")], start=11):
        draft = _draft(referrer, municipality, date(1990, 5, 4), serial, first, last)
        Referral.objects.filter(pk=draft.pk).update(updated_at=long_ago, created_at=long_ago)

    # Two referrals rejected three years ago; the second person's case has a spärr.
    decided = today - relativedelta(years=3)
    rejected = []
    for serial, (first, last) in enumerate([("Nils", "Avslagsson"), ("Sara", "Spärrsdotter")], start=13):
        referral = _draft(referrer, municipality, date(1984, 9, 21), serial, first, last)
        Referral.objects.filter(pk=referral.pk).update(
            status=Referral.Status.REJECTED,
            team=team,
            received_on=decided - timedelta(days=20),
            answer_deadline=decided - timedelta(days=6),
            decided_at=_moment(decided),
            decision_reason="Utanför målgruppen.",
            created_at=_moment(decided - timedelta(days=20)),
            updated_at=_moment(decided),
        )
        rejected.append(referral)
    LegalHold.objects.create(personnummer=rejected[1].personnummer, reason=DEMO_HOLD_REASON, placed_by=admin)

    # A stay that closed six years ago: past the five years after the last entry.
    start = today - relativedelta(years=7)
    closed_on = today - relativedelta(years=6)
    number = fake_personnummer(date(1978, 2, 14), 17)
    person = Participant.objects.create(
        personnummer=number,
        first_name="Gunnel",
        last_name="Förrsson",
        municipality=municipality,
        sex=Participant.Sex.FEMALE,
        birth_year=1978,
    )
    enrollment = Enrollment.objects.create(
        participant=person,
        team=team,
        responsible=handledare,
        start_date=start,
        target_end=start + relativedelta(years=1),
        status=Enrollment.Status.CLOSED,
        created_by=handledare,
    )
    PhasePeriod.objects.create(
        enrollment=enrollment, phase=Phase.PROVA_PA, start=start, end=closed_on, changed_by=handledare
    )
    Activity.objects.bulk_create(
        Activity(
            enrollment=enrollment,
            kind_id=ActivityKind.TALK,  # the kind "samtal" (its code)
            date=start + timedelta(weeks=week),
            note="Samtal om vägen framåt.",
            logged_by=handledare,
        )
        for week in range(0, 40, 4)
    )
    Closure.objects.create(
        enrollment=enrollment,
        date=closed_on,
        reason=ExitReason.objects.earliest("position"),
        summary="Avslutad enligt plan.",
        closed_by=handledare,
    )
    return {"created": 5, "holds": 1}
