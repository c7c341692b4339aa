"""Demo journeys: participants in every phase in every team, a year of activities with realistic
gaps, closures with each exit reason, follow-ups due. Made through the services (activities in bulk).
Idempotent: a team that already has enrolments is left alone."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Collection
from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from participants import rules, services
from participants.inputs import ClosureFields, EntryVariables
from participants.models import (
    Activity,
    ActivityKind,
    Attendance,
    Enrollment,
    ExitReason,
    Occupation,
    Participant,
    Phase,
    PhaseRequirement,
)
from referrals import services as referral_services
from referrals.demo import _data
from referrals.models import AgendaItem, InformationMeeting, SupportKind
from teams.demo import demo_email
from teams.models import Membership, Team, User

PHASE_WEEKS = {Phase.PROVA_PA: 4, Phase.ARBETSFORBEREDANDE: 16, Phase.REDO_FOR_MER: 12}


def _ready_referral(team: Team, n: int, coordinator: User, referrer: User, meeting, today: date):
    kinds = {k.code: k for k in SupportKind.objects.all()}
    referral = referral_services.referral_save_draft(referrer=referrer, values=_data(team, n, kinds)).referral
    referral.team = team
    referral.save(update_fields=["team"])
    referral_services.referral_submit(referral=referral, by=referrer, today=today)
    referral_services.agenda_add(meeting=meeting, referral=referral, by=coordinator)
    item = AgendaItem.objects.get(meeting=meeting, referral=referral)
    referral_services.agenda_decide(item=item, decision="accept", reasoning="I målgruppen.", by=coordinator)
    referral.refresh_from_db()
    info = referral_services.info_meeting_book(
        referral=referral, date=today, start_time=time(10, 0), place="IST", attendees=[coordinator], by=coordinator
    )
    referral_services.info_meeting_record_outcome(
        meeting=info, outcome=InformationMeeting.Outcome.WANTS_TO_START, note="", by=coordinator
    )
    referral.refresh_from_db()
    return referral


def _activities(enrollment: Enrollment, until: date, rng: random.Random, handledare: User) -> list[Activity]:
    """Roughly what the phases ask for, week by week, with sick weeks and missed sessions."""
    reqs = rules.RequirementBook(list(PhaseRequirement.objects.all()))
    periods = list(enrollment.phase_periods.all())
    rows = []
    monday = rules.week_start(enrollment.start_date)
    while monday <= until:
        period = next((p for p in periods if p.start <= monday and (p.end is None or p.end >= monday)), periods[-1])
        sick_week = rng.random() < 0.08
        for kind in ActivityKind.values:
            req = reqs.for_week(period.phase, kind, monday)
            if req is None or (req.per_weeks > 1 and monday.isocalendar().week % req.per_weeks):
                continue
            for i in range(req.count):
                day = monday + timedelta(days=(i * 2 + rng.randint(0, 1)) % 5)
                if day < enrollment.start_date or day > until or rng.random() < 0.12:
                    continue  # a gap: nothing logged
                attendance = (
                    Attendance.EXCUSED
                    if sick_week
                    else (Attendance.UNEXCUSED if rng.random() < 0.07 else Attendance.PRESENT)
                )
                rows.append(
                    Activity(
                        enrollment=enrollment,
                        kind_id=kind,  # the four seeded kinds have their categories' codes
                        date=day,
                        attendance=attendance,
                        duration_minutes=rng.choice([45, 60, 90, 120]),
                        logged_by=handledare,
                    )
                )
        monday += timedelta(weeks=1)
    return rows


@transaction.atomic
def seed_participants(*, teams: Collection[str] | None = None) -> dict[str, int]:
    """`teams`: the slugs of the teams to seed (every team by default), as `seed_referrals`; the
    random gaps in a seeded team's activities may differ from `seed_demo`'s."""
    today = timezone.localdate()
    rng = random.Random(4711)  # noqa: S311 - demo data, the same every time
    referrer = User.objects.get(email=demo_email("remittent.fk"))
    reasons = list(ExitReason.objects.order_by("position"))
    occupations = list(Occupation.objects.order_by("position"))
    made = 0
    for t_index, team in enumerate(Team.objects.order_by("name")):
        if teams is not None and team.slug not in teams:
            continue
        if Enrollment.objects.filter(team=team).exists():
            continue
        coordinator = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.KOORDINATOR).first()
        if coordinator is None:  # seed_teams gives every team its coordinator
            continue
        handledare = list(
            User.objects.filter(memberships__team=team, memberships__role=Membership.Role.HANDLEDARE).order_by("pk")
        )
        meeting = referral_services.meeting_create(
            team=team, date=today - timedelta(days=400), start_time=time(9, 0), place="Stadshuset", by=coordinator
        )
        n = 1000 + t_index * 100
        plans = [(phase, i) for phase in Phase for i in range(2)] + [("closed", r) for r in reasons]
        activities: list[Activity] = []
        for plan, detail in plans:
            n += 1
            responsible = handledare[n % len(handledare)]
            second = handledare[(n + 1) % len(handledare)] if len(handledare) > 1 else None
            referral = _ready_referral(team, n, coordinator, referrer, meeting, today - timedelta(days=400))
            # Closed enrolments started 34–59 weeks ago, spread by exit reason, so the year's referrals
            # and decisions (referrals.demo.seed_decision_dates) spread over the months too.
            weeks_before = {
                Phase.PROVA_PA: 2,
                Phase.ARBETSFORBEREDANDE: 14,
                Phase.REDO_FOR_MER: 30,
                Phase.ARBETSLIVSINRIKTAD: 46,
                "closed": 34,
            }[plan] + (detail if isinstance(detail, int) else detail.position * 3 % 26)
            start = today - timedelta(weeks=weeks_before)
            enrollment = services.enroll(
                referral=referral,
                responsible=responsible,
                second_contact=second,
                start_date=start,
                by=coordinator,
                entry=EntryVariables(
                    support_at_entry=referral.support_kind,
                    months_in_support_before=12 + n % 48,
                    occupation_before=occupations[-1],
                    occupation_before_extent=0,
                ),
            )
            closed_on: date | None = None
            if plan == "closed" and isinstance(detail, ExitReason):
                closed_on = today - timedelta(weeks=30 if detail.position % 2 else 2)
            last_day = closed_on or today
            on = start
            target = plan if plan != "closed" else Phase.ARBETSLIVSINRIKTAD
            for phase in (Phase.ARBETSFORBEREDANDE, Phase.REDO_FOR_MER, Phase.ARBETSLIVSINRIKTAD):
                if list(Phase).index(phase) > list(Phase).index(Phase(target)):
                    break
                on = on + timedelta(weeks=PHASE_WEEKS[list(Phase)[list(Phase).index(phase) - 1]])
                if on >= last_day:
                    break
                services.phase_change(enrollment=enrollment, to=phase, on=on, reason="", by=responsible)
            until = today - timedelta(days=1)
            if plan == "closed" and isinstance(detail, ExitReason):
                reason = detail
                services.close(
                    enrollment=enrollment,
                    by=coordinator,
                    values=ClosureFields(
                        date=last_day,  # closed_on, set above for a closed plan
                        reason=reason,
                        occupation_after=occupations[0] if reason.to_work_or_studies else occupations[3],
                        occupation_after_extent=50 if reason.to_work_or_studies else 0,
                        summary="Deltagaren har följt planen och tagit steg mot arbete.",
                        recommendations="Fortsatt kontakt med Arbetsförmedlingen.",
                        care_provider_consulted=reason.health,
                        parties_consulted=reason.health,
                    ),
                )
                until = last_day  # the closing day
            activities.extend(_activities(enrollment, until, rng, responsible))
            made += 1
        Activity.objects.bulk_create(activities, batch_size=2000)
    return {"enrollments_created": made, "activities": Activity.objects.count()}


def seed_privacy() -> dict[str, int]:
    """A protected person and a withdrawn consent in IST Halmstad/Hylte, so both show in `make run`
    (docs/decisions/0019): the demo handledare's first active participant is protected (the agenda
    and minutes of their referral's meeting say "Skyddad person", the referrer's list does not name
    them), and the consent of a participant with a finalised plan is withdrawn (the referrer's grant
    is revoked; the participant page says so). Idempotent."""
    from participants.documents.models import Document
    from participants.privacy import consent_withdraw, identity_set

    if Participant.objects.filter(protected_identity=True).exists():
        return {"protected": 0, "withdrawn": 0}
    handledare = User.objects.get(email=demo_email("handledare"))
    coordinator = User.objects.get(email=demo_email("koordinator"))
    active = Enrollment.objects.filter(team__slug="halmstad-hylte", status=Enrollment.Status.ACTIVE)
    protected = active.filter(responsible=handledare).select_related("participant").order_by("pk").first()
    if protected is not None:
        identity_set(participant=protected.participant, protected=True, by=coordinator)
    others = (
        (active if protected is None else active.exclude(pk=protected.pk))
        .filter(referral__isnull=False)
        .select_related("referral")
    )
    # preferably one whose referrer holds a document, so the revoked grant can be seen
    with_plan = (
        others.exclude(documents__status=Document.Status.DRAFT).filter(documents__isnull=False).order_by("-pk").first()
        or others.order_by("-pk").first()
    )
    withdrawn = 0
    if with_plan is not None and with_plan.referral is not None:
        withdrawn = consent_withdraw(
            referral=with_plan.referral,
            by=with_plan.responsible,
            withdrawn_on=timezone.localdate() - timedelta(days=3),
            expected_version=None,
        )
    return {"protected": int(protected is not None), "withdrawn": int(withdrawn)}


def seed_groups() -> dict[str, int]:
    """Two saved groups of the demo handledare in IST Halmstad/Hylte with the last four weeks'
    sessions (issue 19.4), so Min vecka's "Gruppträffar" and a group's page show something in
    `make run`: a few absences, with and without notice. Made through the services. Idempotent."""
    from participants.inputs import GroupFields, SessionFields
    from participants.models import ActivityGroup, Weekday

    if ActivityGroup.objects.exists():
        return {"groups": 0, "group_sessions": 0}
    handledare = User.objects.get(email=demo_email("handledare"))
    team = Team.objects.get(slug="halmstad-hylte")
    own = list(
        Enrollment.objects.filter(team=team, status=Enrollment.Status.ACTIVE, responsible=handledare).order_by("pk")
    )
    if not own:
        return {"groups": 0, "group_sessions": 0}
    today = timezone.localdate()
    plans = [
        ("Morgongympa", "fysisk", Weekday.WEDNESDAY, time(9, 30), 60, own[:6]),
        ("Studiecirkel arbetsliv", "grupptraff", Weekday.TUESDAY, time(13, 0), 90, own[-4:]),
    ]
    sessions = 0
    for name, kind, weekday, start, minutes, members in plans:
        group = services.group_create(
            team=team,
            values=GroupFields(name=name, kind=kind, weekday=weekday, start_time=start, duration_minutes=minutes),
            members=members,
            by=handledare,
        )
        last = today - timedelta(days=(today.weekday() - weekday) % 7 or 7)  # the last usual day before today
        for week in range(4):
            day = last - timedelta(weeks=week)
            present = [m for m in members if m.start_date <= day]
            if not present:
                continue
            attendance = {m.pk: Attendance.PRESENT.value for m in present}
            attendance[present[week % len(present)].pk] = Attendance.EXCUSED if week % 2 else Attendance.UNEXCUSED
            services.group_meeting_log(
                group=group,
                values=SessionFields(date=day, start_time=start, duration_minutes=minutes, note=""),
                attendance=attendance,
                by=handledare,
            )
            sessions += 1
    return {"groups": len(plans), "group_sessions": sessions}


def seed_agendas() -> dict[str, int]:
    """Enrolments on the samverkansteam's agendas (issue 18): on the last past meeting a follow-up and
    an extension decided there, with the minutes approved and archived as a PDF; on the next meeting
    a consultation and a closure for health reasons to take up. Idempotent per team."""
    from participants import agenda
    from referrals import meetings
    from referrals.models import TeamMeeting

    today = timezone.localdate()
    reasons, decisions = AgendaItem.Reason, AgendaItem.Decision
    put = approved = 0
    for team in Team.objects.order_by("name"):
        if AgendaItem.objects.filter(meeting__team=team, enrollment__isnull=False).exists():
            continue
        coordinator = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.KOORDINATOR).first()
        # The last past meeting with its attendance recorded (referrals.demo): its minutes get approved.
        past = (
            TeamMeeting.objects.filter(team=team, date__lt=today, attendances__isnull=False)
            .distinct()
            .order_by("-date")
            .first()
        )
        upcoming = TeamMeeting.objects.filter(team=team, date__gt=today).order_by("date").first()
        active = list(
            Enrollment.objects.filter(
                team=team, status=Enrollment.Status.ACTIVE, participant__protected_identity=False
            ).order_by("start_date")[:4]
        )
        if coordinator is None or past is None or upcoming is None or len(active) < 4:
            continue
        week_before = past.date - timedelta(days=7)  # put on the agenda a week before that meeting
        plans = [
            (past, active[0], reasons.FOLLOW_UP, "Tre månader sedan start: hur går det?", decisions.FOLLOWED_UP),
            (past, active[1], reasons.EXTENSION, "Behöver mer tid i arbetsträningen.", decisions.EXTEND),
            (upcoming, active[2], reasons.CONSULTATION, "Behov av stöd från psykiatrin?", None),
            (upcoming, active[3], reasons.HEALTH_CLOSURE, "Vården bedömer att personen inte orkar delta nu.", None),
        ]
        for meeting, enrollment, reason, note, decision in plans:
            item, _created = agenda.enrollment_to_agenda(
                enrollment=enrollment,
                meeting=meeting,
                reason=reason,
                note=note,
                by=enrollment.responsible,
                today=week_before if meeting == past else today,
            )
            put += 1
            if decision is None:
                continue
            enrollment.refresh_from_db()
            new_end = enrollment.target_end + timedelta(days=91) if decision == decisions.EXTEND else None
            # Beyond the age rule's maximum the extension is refused and the item stays undecided.
            with contextlib.suppress(services.InvalidActivity):
                agenda.enrollment_decide(
                    item=item, decision=decision, reasoning="Teamet är enigt.", by=coordinator, new_end=new_end
                )
        names = list(past.attendances.values_list("name", flat=True))
        if len(names) >= 2 and meetings.minutes_approve(
            meeting=past, minute_taker=names[0], adjuster=names[1], by=coordinator, expected_version=None
        ):
            meetings.minutes_render(meeting_id=past.pk)  # the worker would; the demo shows the PDF at once
            approved += 1
    return {"enrolments_on_agendas": put, "minutes_approved": approved}
