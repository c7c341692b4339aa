"""Demo: returning people (issue 18, docs/decisions/0031), so the person's history shows in `make run`.

- Rut Lindqvist: enrolled and closed in IST Laholm, referred again and enrolled in IST
  Halmstad/Hylte. Both teams are koordinator@'s: they see both stays, with dates and exit reason.
- Omar Haddad: enrolled and closed in IST Varberg (koordinator2@'s), referred again and enrolled in
  IST Halmstad/Hylte (koordinator@'s). Each coordinator sees their own stay and is told which team
  to contact about the other.
- Sara Nyström: enrolled and closed in IST Varberg; a new referral to IST Halmstad/Hylte waits on
  koordinator@'s triage board (marked), without an address: the review page says "Kontakta IST
  Varberg", and nothing of the old record was copied into the new one.

Made through the services. Idempotent: nothing is made if the first person is already there.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from participants import services
from participants.inputs import ClosureFields, EntryVariables
from participants.models import Enrollment, ExitReason
from referrals import services as referral_services
from referrals.demo import _data
from referrals.demo_people import fake_personnummer
from referrals.models import AgendaItem, InformationMeeting, Referral, SupportKind
from teams.demo import demo_email
from teams.models import Membership, Team, User

PEOPLE = {
    "rut": (fake_personnummer(date(1977, 3, 21), 7), "Rut", "Lindqvist"),
    "omar": (fake_personnummer(date(1988, 11, 2), 7), "Omar", "Haddad"),
    "sara": (fake_personnummer(date(1992, 6, 30), 7), "Sara", "Nyström"),
}


def _staff(team: Team, role: str) -> User:
    user = User.objects.filter(memberships__team=team, memberships__role=role).order_by("pk").first()
    if user is None:  # seed_organisation gives every team a coordinator and a handledare
        raise LookupError(f"{team} has no {role}")
    return user


def _referral(team: Team, who: str, received: date, **overrides: Any) -> Referral:
    """A referral of the person to `team`, sent by the demo referrer on `received`."""
    number, first, last = PEOPLE[who]
    kinds = {k.code: k for k in SupportKind.objects.all()}
    referrer = User.objects.get(email=demo_email("remittent.fk"))
    values = _data(team, 7, kinds, personnummer=number, first_name=first, last_name=last, **overrides)
    referral = referral_services.referral_save_draft(referrer=referrer, values=values).referral
    Referral.objects.filter(pk=referral.pk).update(team=team)
    referral.refresh_from_db()
    referral_services.referral_submit(referral=referral, by=referrer, today=received)
    referral.refresh_from_db()
    return referral


def _ready(referral: Referral, on: date) -> Referral:
    """Accepted at a samverkansteam meeting on `on`; the information meeting ended in "wants to start"."""
    team = referral.team
    if team is None:  # a submitted referral has its team
        raise LookupError(referral)
    coordinator = _staff(team, Membership.Role.KOORDINATOR)
    meeting = referral_services.meeting_create(team=team, date=on, start_time=time(9, 0), place="IST", by=coordinator)
    referral_services.agenda_add(meeting=meeting, referral=referral, by=coordinator)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    referral_services.agenda_decide(item=item, decision="accept", reasoning="I målgruppen.", by=coordinator)
    referral.refresh_from_db()
    info = referral_services.info_meeting_book(
        referral=referral, date=on, start_time=time(13, 0), place="IST", attendees=[coordinator], by=coordinator
    )
    referral_services.info_meeting_record_outcome(
        meeting=info, outcome=InformationMeeting.Outcome.WANTS_TO_START, note="", by=coordinator
    )
    referral.refresh_from_db()
    return referral


def _stay(team: Team, who: str, start: date, end: date | None, **overrides: Any) -> Enrollment:
    referral = _ready(_referral(team, who, start - timedelta(days=30), **overrides), start - timedelta(days=14))
    coordinator = _staff(team, Membership.Role.KOORDINATOR)
    stay = services.enroll(
        referral=referral,
        responsible=_staff(team, Membership.Role.HANDLEDARE),
        second_contact=None,
        start_date=start,
        by=coordinator,
        entry=EntryVariables(support_at_entry=referral.support_kind, months_in_support_before=24),
    )
    if end is not None:
        services.close(
            enrollment=stay,
            by=coordinator,
            values=ClosureFields(
                date=end,
                reason=ExitReason.objects.filter(to_work_or_studies=False, health=False).order_by("position").first()
                or ExitReason.objects.get(code="arbete"),
                summary="Flyttade och avslutade sin tid i IST.",
            ),
        )
    return stay


@transaction.atomic
def seed_returning() -> dict[str, int]:
    if Referral.objects.filter(personnummer=PEOPLE["rut"][0]).exists():
        return {"returning": 0}
    today = timezone.localdate()
    teams = {t.slug: t for t in Team.objects.filter(slug__in=["laholm", "halmstad-hylte", "varberg"])}
    long_ago, closed_on, again = today - timedelta(days=560), today - timedelta(days=200), today - timedelta(days=40)
    _stay(teams["laholm"], "rut", long_ago, closed_on, address="Strandvägen 4, Laholm")
    _stay(teams["halmstad-hylte"], "rut", again, None, address="Kyrkogatan 12, Halmstad")
    _stay(teams["varberg"], "omar", long_ago, closed_on, address="Västra vägen 8, Varberg")
    _stay(teams["halmstad-hylte"], "omar", again, None, address="Hamngatan 3, Halmstad")
    _stay(teams["varberg"], "sara", long_ago, closed_on, address="Norra gatan 2, Varberg", phone="070-555 12 34")
    _referral(teams["halmstad-hylte"], "sara", today - timedelta(days=3), address="", phone="")
    return {"returning": 3}
