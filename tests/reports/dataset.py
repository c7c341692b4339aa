"""A small fixed data set for the statistics tests, written row by row so every figure can be
counted by hand. The period is 2026Q3 (2026-07-01 – 2026-09-30); "A" is IST Halmstad/Hylte,
"B" is IST Varberg. The expected numbers are in the tests, each with the rows it counts.

Team A
  Referrals: r1 FK, in 07-01, deadline 07-15, answered 07-10 (9 days, within), accepted
             r2 FK, in 07-02, deadline 07-16, answered 07-20 (18 days, late), rejected
             r3 AF, in 08-01, waiting
             r4 kommun, in 06-30 (before the period), "more information" decided 07-05
             r5 a draft (never received)
  Information meetings: r1 07-20 wants to start; r4 08-05 no outcome yet
  People and enrolments:
    P1 K 1990 Halmstad  E1 2026-05-01, active; Prova på 05-01→05-29, Arbetsförberedande 05-29→07-15,
                        Redo för mer 07-15→
    P2 M 2000 Halmstad  E2 2026-07-10, closed 09-20 "arbete"; Prova på 07-10→08-07,
                        Arbetsförberedande 08-07→09-20; sjukpenning→ingen, ingen sysselsättning→arbete
    P3 K 1970 Hylte     E3 2024-09-01, closed 2025-08-10; 12-month follow-up due 2026-08-10, not done
    P4 K 1980 Hylte     E4 2025-10-01, closed 2026-08-01 "egen begäran"; Prova på 2025-10-01→10-29,
                        Arbetsförberedande 2025-10-29→2026-08-01; försörjningsstöd→försörjningsstöd
    P6 M 1960 Halmstad  E6 2025-01-10, closed 2026-01-15; 6-month follow-up due 2026-07-15, found work
  Activities: E1 talk 07-02 present, talk 07-09 excused, physical 07-03 present, physical 07-10
              unexcused, talk 06-30 present (before); E2 physical 07-15 present
  Questions: two from FK in the period, one from AF in June
Team B
  r6 FK in 07-03, information meeting 07-25 declined; P5 M 1985 Varberg E5 2026-07-01 active,
  Prova på 07-01→; one question from FK in the period
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from participants.models import (
    Activity,
    Closure,
    Enrollment,
    ExitReason,
    FollowUp,
    Occupation,
    Participant,
    PhasePeriod,
)
from referrals.models import (
    AgendaItem,
    ConsultativeQuestion,
    InformationMeeting,
    Referral,
    SupportKind,
    TeamMeeting,
)
from teams.models import Municipality, Organisation, Team
from tests.factories import OrganisationFactory, UserFactory

PERIOD = (date(2026, 7, 1), date(2026, 9, 30))


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


def build(offset: int = 0) -> dict[str, Any]:
    """The data set; `offset` keeps personnummer apart when it is built twice (query-count tests)."""
    a, b = Team.objects.get(slug="halmstad-hylte"), Team.objects.get(slug="varberg")
    staff = UserFactory.create()
    fk = OrganisationFactory.create(kind=Organisation.Kind.FK, name="Försäkringskassan", unit="Halmstad")
    af = OrganisationFactory.create(kind=Organisation.Kind.AF, name="Arbetsförmedlingen", unit="Halmstad")
    kommun = OrganisationFactory.create(kind=Organisation.Kind.KOMMUN, name="Halmstads kommun", unit="Socialtjänsten")
    town = {m.name: m for m in Municipality.objects.all()}

    def referral(team: Team, org: Organisation | None, received: date | None, deadline: date | None, **kw: Any):
        status = kw.pop("status", Referral.Status.SUBMITTED)
        return Referral.objects.create(
            team=team,
            status=status,
            referrer_organisation=org,
            received_on=received,
            answer_deadline=deadline,
            first_name="Test",
            last_name="Person",
            **kw,
        )

    r1 = referral(a, fk, date(2026, 7, 1), date(2026, 7, 15), status="accepted", decided_at=_at(date(2026, 7, 10)))
    r2 = referral(a, fk, date(2026, 7, 2), date(2026, 7, 16), status="rejected", decided_at=_at(date(2026, 7, 20)))
    referral(a, af, date(2026, 8, 1), date(2026, 8, 15))
    r4 = referral(
        a, kommun, date(2026, 6, 30), date(2026, 7, 14), status="needs_info", decided_at=_at(date(2026, 7, 5))
    )
    Referral.objects.create(team=a, status=Referral.Status.DRAFT, referrer_organisation=fk)
    r6 = referral(b, fk, date(2026, 7, 3), date(2026, 7, 17))

    meeting = TeamMeeting.objects.create(team=a, date=date(2026, 7, 5), start_time=time(9), created_by=staff)
    for position, (ref, decision, day) in enumerate(
        [(r1, "accept", date(2026, 7, 10)), (r2, "reject", date(2026, 7, 20)), (r4, "more_info", date(2026, 7, 5))]
    ):
        AgendaItem.objects.create(
            meeting=meeting, position=position, referral=ref, decision=decision, decided_at=_at(day), decided_by=staff
        )

    for ref, day, outcome in [
        (r1, date(2026, 7, 20), "wants_to_start"),
        (r4, date(2026, 8, 5), ""),
        (r6, date(2026, 7, 25), "declines"),
    ]:
        InformationMeeting.objects.create(
            referral=ref, date=day, start_time=time(10), place="IST", outcome=outcome, booked_by=staff
        )

    support = {s.code: s for s in SupportKind.objects.all()}
    occupation = {o.code: o for o in Occupation.objects.all()}
    reasons = {r.code: r for r in ExitReason.objects.all()}

    def person(n: int, sex: str, born: int, town_name: str) -> Participant:
        return Participant.objects.create(
            personnummer=f"{born}0101{n + offset:04d}",
            first_name=f"P{n}",
            last_name="Test",
            municipality=town[town_name],
            sex=sex,
            birth_year=born,
        )

    def enrol(p: Participant, team: Team, start: date, **kw: Any) -> Enrollment:
        return Enrollment.objects.create(
            participant=p,
            team=team,
            responsible=staff,
            start_date=start,
            target_end=date(start.year + 1, start.month, 1),
            created_by=staff,
            **kw,
        )

    def phases(e: Enrollment, *periods: tuple[str, date, date | None]) -> None:
        for phase, start, end in periods:
            PhasePeriod.objects.create(enrollment=e, phase=phase, start=start, end=end, changed_by=staff)

    def close(e: Enrollment, day: date, reason: str, **kw: Any) -> None:
        e.status = Enrollment.Status.CLOSED
        e.save(update_fields=["status"])
        Closure.objects.create(enrollment=e, date=day, reason=reasons[reason], closed_by=staff, **kw)

    e1 = enrol(person(1, "K", 1990, "Halmstad"), a, date(2026, 5, 1))
    phases(
        e1,
        ("prova_pa", date(2026, 5, 1), date(2026, 5, 29)),
        ("arbetsforberedande", date(2026, 5, 29), date(2026, 7, 15)),
        ("redo_for_mer", date(2026, 7, 15), None),
    )
    e2 = enrol(
        person(2, "M", 2000, "Halmstad"),
        a,
        date(2026, 7, 10),
        support_at_entry=support["sjukpenning"],
        occupation_before=occupation["ingen"],
    )
    phases(
        e2,
        ("prova_pa", date(2026, 7, 10), date(2026, 8, 7)),
        ("arbetsforberedande", date(2026, 8, 7), date(2026, 9, 20)),
    )
    close(e2, date(2026, 9, 20), "arbete", support_after=support["ingen"], occupation_after=occupation["arbete"])
    e3 = enrol(person(3, "K", 1970, "Hylte"), a, date(2024, 9, 1))
    close(e3, date(2025, 8, 10), "arbete")
    FollowUp.objects.create(enrollment=e3, months=12, due_on=date(2026, 8, 10))
    e4 = enrol(person(4, "K", 1980, "Hylte"), a, date(2025, 10, 1), support_at_entry=support["forsorjningsstod"])
    phases(
        e4,
        ("prova_pa", date(2025, 10, 1), date(2025, 10, 29)),
        ("arbetsforberedande", date(2025, 10, 29), date(2026, 8, 1)),
    )
    close(e4, date(2026, 8, 1), "egen-begaran", support_after=support["forsorjningsstod"])
    e6 = enrol(person(6, "M", 1960, "Halmstad"), a, date(2025, 1, 10))
    close(e6, date(2026, 1, 15), "studier")
    FollowUp.objects.create(enrollment=e6, months=6, due_on=date(2026, 7, 15), found="work")
    e5 = enrol(person(5, "M", 1985, "Varberg"), b, date(2026, 7, 1))
    phases(e5, ("prova_pa", date(2026, 7, 1), None))

    for e, kind, day, attendance in [
        (e1, "samtal", date(2026, 7, 2), "present"),
        (e1, "samtal", date(2026, 7, 9), "excused"),
        (e1, "fysisk", date(2026, 7, 3), "present"),
        (e1, "fysisk", date(2026, 7, 10), "unexcused"),
        (e1, "samtal", date(2026, 6, 30), "present"),
        (e2, "fysisk", date(2026, 7, 15), "present"),
    ]:
        Activity.objects.create(enrollment=e, kind_id=kind, date=day, attendance=attendance, logged_by=staff)

    for team, org, day in [
        (a, fk, date(2026, 7, 8)),
        (a, fk, date(2026, 9, 30)),
        (a, af, date(2026, 6, 1)),
        (b, fk, date(2026, 8, 1)),
    ]:
        q = ConsultativeQuestion.objects.create(team=team, asked_by=staff, organisation=org, question="?")
        ConsultativeQuestion.objects.filter(pk=q.pk).update(created_at=_at(day))  # auto_now_add: set afterwards

    return {"a": a, "b": b, "staff": staff}
