"""Demo referrals: every state in every team, questions, two past meetings with minutes and one upcoming.

Made through the services, as users would. Idempotent: a team that already has
demo referrals is left alone.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time, timedelta
from itertools import cycle
from typing import Any

from django.db import transaction
from django.utils import timezone

from referrals import lifecycle, meetings, services
from referrals.demo_people import fake_personnummer
from referrals.inputs import ReferralFields
from referrals.models import AgendaItem, ConsultativeQuestion, InformationMeeting, Referral, ReferralEvent, SupportKind
from teams.demo import demo_email
from teams.models import Membership, Organisation, Team, User

Decision = AgendaItem.Decision
Outcome = InformationMeeting.Outcome

FIRST = ["Amina", "Björn", "Cecilia", "David", "Elin", "Fatima", "Göran", "Helena", "Ibrahim", "Johanna", "Karl"]
LAST = ["Andersson", "Berglund", "Carlsson", "Dahl", "Ekström", "Forsberg", "Gustafsson", "Hedlund", "Isaksson"]
BACKGROUNDS = [
    "Sjukskriven sedan länge på grund av utmattning. Har försökt arbetsträning via AF utan att orka.",
    "Försörjningsstöd i flera år, oregelbunden kontakt med vården för ångest. Vill komma närmare arbete.",
    "Aktivitetsersättning, behöver samordnat stöd från FK, kommun och psykiatri för att komma vidare.",
]


def _data(team: Team, n: int, kinds: dict[str, SupportKind], **overrides: Any) -> ReferralFields:
    municipality = team.municipalities.order_by("name").first()
    born = date(1966 + (n * 7) % 40, 1 + n % 12, 1 + (n * 3) % 28)
    data: dict[str, Any] = {
        "personnummer": fake_personnummer(born, n),
        "first_name": FIRST[n % len(FIRST)],
        "last_name": LAST[(n // 2) % len(LAST)],
        "phone": f"070-{100 + n:03d} {n % 100:02d} {(n * 7) % 100:02d}",
        "email": "",
        "address": f"Exempelgatan {n + 1}, {municipality}",
        "municipality": municipality,
        "authorities_involved": ["fk", "kommun", "region"][: 2 + n % 2],
        "support_authority": ["fk", "kommun", "af"][n % 3],
        "support_kind": list(kinds.values())[n % len(kinds)],
        "support_contact_email": "",
        "time_outside": ["1-2", "2-5", "gt5"][n % 3],
        "background": BACKGROUNDS[n % len(BACKGROUNDS)],
        "wishes": "Vill hitta ett arbete eller börja studera.",
        "obstacles": "Orkar inte heltid i nuläget." if n % 2 else "",
        "interpreter_needed": n % 5 == 0,
        "interpreter_language": "arabiska" if n % 5 == 0 else "",
        "substance_abuse": False,
        "threatening_behaviour": False,
        "imminent_imprisonment": False,
        "full_sickness_compensation": n % 9 == 4,
        "consent_given": True,
        "consent_date": timezone.localdate() - timedelta(days=30),
        "consent_how": "written",
        "consent_scope_referrer": True,
        "consent_scope_kinds": ["af", "fk", "kommun", "region"],
        "consent_scope": "Försäkringskassan, kommunen, Region Halland och Arbetsförmedlingen",
    }
    data.update(overrides)
    return ReferralFields(**data)


@transaction.atomic
def seed_referrals(*, teams: Collection[str] | None = None) -> dict[str, int]:
    """`teams`: the slugs of the teams to seed (every team by default); a test seeds only the teams
    it reads. A skipped team keeps its place in the numbering, so a seeded team's people have the
    names and personnummer they have in `seed_demo` (which referrer sends which may differ)."""
    today = timezone.localdate()
    kinds = {k.code: k for k in SupportKind.objects.all()}
    referrers = cycle(
        User.objects.filter(email__in=[demo_email(x) for x in ("remittent.fk", "remittent.kommun", "remittent.af")])
    )
    made = 0
    for t_index, team in enumerate(Team.objects.order_by("name")):
        if teams is not None and team.slug not in teams:
            continue
        if Referral.objects.filter(team=team, referrer__email__endswith="@ist.example").exists():
            continue
        coordinator = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.KOORDINATOR).first()
        if coordinator is None:  # seed_teams gives every team its coordinator
            continue
        staff = list(User.objects.filter(memberships__team=team, memberships__role=Membership.Role.HANDLEDARE)[:1])
        n = t_index * 20

        def referral(days_ago: int, team: Team = team, **overrides: object) -> Referral:
            nonlocal n, made
            n += 1
            made += 1
            who = next(referrers)
            r = services.referral_save_draft(referrer=who, values=_data(team, n, kinds, **overrides)).referral
            r.team = team  # every team gets every state, whichever municipality the person lives in
            r.save(update_fields=["team"])
            services.referral_submit(referral=r, by=who, today=today - timedelta(days=days_ago))
            return r

        # Two past meetings with minutes
        past = []
        for weeks_ago in (4, 2):
            meeting = services.meeting_create(
                team=team,
                date=today - timedelta(weeks=weeks_ago),
                start_time=time(9, 0),
                place="Stadshuset, rum 3",
                by=coordinator,
            )
            meetings.attendance_record(
                meeting=meeting,
                members=[],
                others=[
                    ("kommun", "Per Lund"),
                    ("fk", "Sara Samverkan"),
                    ("af", "Ali Hussein"),
                    ("region", "Maria Holm"),
                ],
            )
            past.append(meeting)
        outcomes = [
            (
                Decision.ACCEPT,
                "Personen är i målgruppen och behöver stöd från flera myndigheter.",
                Outcome.WANTS_TO_START,
            ),
            (Decision.ACCEPT, "I målgruppen.", Outcome.DECLINES),
            (Decision.ACCEPT, "I målgruppen; informationsmöte erbjuds.", None),
            (Decision.REJECT, "Pågående missbruk; annan planering ska prövas först.", None),
            (Decision.MORE_INFO, "Läkarintyg saknas om arbetsförmågan.", None),
        ]
        for i, (decision, reason, outcome) in enumerate(outcomes):
            r = referral(40 - i, substance_abuse=decision == Decision.REJECT)
            meeting = past[i % 2]
            services.agenda_add(meeting=meeting, referral=r, by=coordinator)
            item = AgendaItem.objects.get(meeting=meeting, referral=r)
            services.agenda_decide(item=item, decision=decision, reasoning=reason, by=coordinator)
            if decision == Decision.ACCEPT:
                r.refresh_from_db()
                info = services.info_meeting_book(
                    referral=r,
                    date=meeting.date + timedelta(days=7 if outcome else 21),
                    start_time=time(13, 30),
                    place=f"IST {team.name.removeprefix('IST ')}",
                    attendees=[*staff, coordinator],
                    by=coordinator,
                )
                if outcome:
                    services.info_meeting_record_outcome(meeting=info, outcome=outcome, note="", by=coordinator)
        # Waiting: new, one near its deadline, one overdue, one sent back, one on the upcoming agenda
        upcoming = services.meeting_create(
            team=team, date=today + timedelta(days=5), start_time=time(9, 0), place="Stadshuset, rum 3", by=coordinator
        )
        referral(1)
        referral(12)
        referral(18, authorities_involved=["fk"])
        sent_back = referral(9)
        services.referral_request_info(
            referral=sent_back, by=coordinator, message="Beskriv vilket stöd personen har från vården i dag."
        )
        services.agenda_add(meeting=upcoming, referral=referral(6), by=coordinator)
        # The answer clock (decision 0030): the one sent back has been with the referrer for 5 days
        # (paused on day 4 of 14); one stalled with its referrer for 20 days (overdue in the
        # referrer's "Att göra"); one completed after 8 days away, its deadline moved by 8.
        _backdate_komplettering(sent_back, today - timedelta(days=5))
        stalled = referral(26)
        services.referral_request_info(referral=stalled, by=coordinator, message="Saknar uppgift om försörjningen.")
        _backdate_komplettering(stalled, today - timedelta(days=20))
        resent = referral(16)
        services.referral_request_info(referral=resent, by=coordinator, message="Bifoga läkarintyget.")
        _backdate_komplettering(resent, today - timedelta(days=8))
        resent.refresh_from_db()
        services.referral_submit(referral=resent, by=resent.referrer or coordinator, today=today)
        # Återtagen (decision 0029): one withdrawn by its referrer before the decision, and one the
        # coordinator closed when the komplettering never came.
        withdrawn = referral(15)
        lifecycle.referral_withdraw(
            referral=withdrawn,
            by=withdrawn.referrer or coordinator,
            reason="Personen har fått en plats i Arbetsförmedlingens program och vill avvakta.",
        )
        unanswered = referral(45)
        services.referral_request_info(
            referral=unanswered, by=coordinator, message="Bifoga läkarintyg om arbetsförmågan."
        )
        lifecycle.referral_close_stalled(
            referral=unanswered,
            by=coordinator,
            reason="Kompletteringen har inte kommit in trots påminnelse.",
        )
        # A draft the referrer has not sent yet
        n += 1
        services.referral_save_draft(
            referrer=next(referrers), values=_data(team, n, kinds, consent_given=False, consent_date=None)
        )
        # Questions: one answered at a past meeting, one waiting on the upcoming agenda, one new
        answered = services.question_ask(
            asked_by=next(referrers),
            team=team,
            question="Kan IST ta emot en person som har hel sjukersättning?",
        )
        services.agenda_add(meeting=past[1], question=answered, by=coordinator)
        services.agenda_decide(
            item=AgendaItem.objects.get(question=answered),
            decision=Decision.ANSWERED,
            reasoning="Normalt inte; personen ska kunna delta i arbetsförberedande insatser.",
            by=coordinator,
        )
        waiting = services.question_ask(
            asked_by=next(referrers),
            team=team,
            question="Hur ser teamet på en person med pågående skuldsanering?",
            person_name="Karin Kvist",  # a named question: with the person's consent, like a referral
            consent_given=True,
            consent_date=timezone.localdate() - timedelta(days=2),
            consent_how="oral",
        )
        services.agenda_add(meeting=upcoming, question=waiting, by=coordinator)
        services.question_ask(asked_by=next(referrers), team=team, question="Finns det plats i Prova på i vår?")
        # A question that came by phone, registered by the coordinator (issue 18, point 8)
        lifecycle.question_register(
            by=coordinator,
            team=team,
            channel=ConsultativeQuestion.Channel.PHONE,
            asker_name="Lena Vårdcentral",
            asker_contact="035-12 34 56",
            organisation=Organisation.objects.filter(kind=Organisation.Kind.REGION, active=True).first(),
            question="Kan en patient med långvarig smärta som inte är sjukskriven remitteras till IST?",
        )
    return {"referrals_created": made, "questions": ConsultativeQuestion.objects.count()}


def _next_weekday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


@transaction.atomic
def seed_meeting_tomorrow() -> dict[str, int]:
    """An information meeting on the next weekday, so the referrer and the IST attendees have a
    reminder ("informationsmöte i morgon") in the demo."""
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
            services.info_meeting_record_outcome(
                meeting=stale, outcome=InformationMeeting.Outcome.NO_SHOW, note="", by=coordinator
            )
            services.info_meeting_book(
                referral=stale.referral,
                date=_next_weekday(today),
                start_time=time(10, 0),
                place="IST Halmstad/Hylte",
                attendees=[u for u in (coordinator, handledare) if u is not None],
                by=coordinator,
            )
            booked = 1
    return {"information_meetings_booked": booked}


def _backdate_komplettering(referral: Referral, day: date) -> None:
    """Demo only: a komplettering asked for on `day` (the services stamp today)."""
    at = timezone.make_aware(datetime.combine(day, time(11, 0)), timezone.get_current_timezone())
    Referral.objects.filter(pk=referral.pk).update(paused_since=day)
    ReferralEvent.objects.filter(referral=referral, kind=ReferralEvent.Kind.INFO_REQUESTED).update(at=at)


def _decision_offset(pk: int) -> int:
    """Days from receipt to the team's decision: mostly 4–13 (within the 14-day deadline), now and then
    a little late (up to 20), spread evenly by the referral's id so the demo is the same every time."""
    return 4 + (pk * 7) % 17


@transaction.atomic
def seed_decision_dates() -> dict[str, int]:
    """Give the demo's decided referrals the dates a working team's would have (issue 17).

    The services stamp a decision with the moment it is made, so every demo decision carried the
    seeding time ("Besvarade inom svarstiden 0,0 %", 38 days on average). Here each decided demo
    referral is decided on the day of a samverkansteam meeting: the referrals demo's own (received
    36–40 days ago, decided at the meetings 4 and 2 weeks ago), and the participants demo's, which
    are received three to four weeks before the enrolment started (spread over the past year and
    more) and decided 4–20 days later at a meeting that day; their information meeting follows a
    week later. Idempotent: a decision already on its meeting's day is left alone."""
    from referrals.models import TeamMeeting

    tz = timezone.get_current_timezone()
    moved = 0
    items = (
        AgendaItem.objects.filter(referral__referrer__email__endswith="@ist.example")
        .exclude(decision="")
        .select_related("meeting", "referral__team", "referral__enrollment", "referral__team")
        .order_by("pk")
    )
    for item in items:
        referral = item.referral
        if referral is None or referral.team is None:  # never: the filter takes submitted referrals only
            continue
        if item.decided_at is None or timezone.localtime(item.decided_at).date() == item.meeting.date:
            continue
        meeting = item.meeting
        enrollment = getattr(referral, "enrollment", None)
        received = referral.received_on
        if enrollment is not None and received is not None:
            # the participants demo: received 400 days ago whatever the start; move it before the start
            received = enrollment.start_date - timedelta(days=28 - referral.pk % 7)
            day = received + timedelta(days=_decision_offset(referral.pk))
            meeting = TeamMeeting.objects.filter(team=referral.team, date=day).first() or services.meeting_create(
                team=referral.team, date=day, start_time=time(9, 0), place="Stadshuset, rum 3", by=meeting.created_by
            )
            InformationMeeting.objects.filter(referral=referral).update(date=day + timedelta(days=7))
        elif received is not None and meeting.date <= received:
            # decided at a meeting the day it came in (a demo shortcut): received some days before
            received = meeting.date - timedelta(days=_decision_offset(referral.pk))
        at = timezone.make_aware(datetime.combine(meeting.date, time(10, 30)), tz)
        AgendaItem.objects.filter(pk=item.pk).update(meeting=meeting, decided_at=at)
        Referral.objects.filter(pk=referral.pk).update(
            received_on=received,
            answer_deadline=received + timedelta(days=referral.team.answer_deadline_days) if received else None,
            decided_at=at,
            # "Mer information": the clock has been paused since the meeting (decision 0030).
            paused_since=meeting.date if referral.paused_since else None,
        )
        moved += 1
    return {"decisions_dated": moved}


PAPER_REFERRER = "kim.berg@fk.example"  # no account: the decision goes out as a letter


@transaction.atomic
def seed_letters() -> dict[str, int]:
    """Letters in the demo (issue 18): in IST Halmstad/Hylte a paper referral decided at the last
    meeting (its beslutsbrev printed and posted) and one accepted with its information meeting on the
    next weekday (the person's kallelse, not yet sent). Every letter still pending is rendered here,
    as seed_demo has no worker; kallelser of meetings the demo has since dated in the past (the
    participants' history) are dropped, as a meeting registered afterwards gets none.
    Idempotent: a team with the paper referrer's referral is left alone."""
    from referrals import letters
    from referrals.inputs import RegisteredReferralFields
    from referrals.models import Letter, TeamMeeting

    today = timezone.localdate()
    made = 0
    team = Team.objects.filter(slug="halmstad-hylte").first()
    coordinator = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.KOORDINATOR).first()
    # A past meeting whose minutes are not yet approved (seed_agendas locks the last one, decision 0033).
    past = TeamMeeting.objects.filter(team=team, date__lt=today, approved_at__isnull=True).order_by("-date").first()
    fresh = team is not None and not Referral.objects.filter(team=team, referrer_email=PAPER_REFERRER).exists()
    if fresh and team is not None and coordinator is not None and past is not None:
        kinds = {k.code: k for k in SupportKind.objects.all()}
        fields = {f.name for f in dataclass_fields(RegisteredReferralFields)} - {"referrer_name", "referrer_email"}

        def paper(n: int, **overrides: Any) -> Referral:
            values = _data(team, n, kinds, **overrides)
            return services.referral_register(
                by=coordinator,
                team=team,
                values=RegisteredReferralFields(
                    **{name: getattr(values, name) for name in fields if hasattr(values, name)},
                    referrer_name="Kim Berg",
                    referrer_email=PAPER_REFERRER,
                ),
                channel=Referral.Channel.PAPER,
                received_on=past.date - timedelta(days=6),
            ).referral

        staff = list(User.objects.filter(memberships__team=team, memberships__role=Membership.Role.HANDLEDARE)[:1])
        rejected = paper(901, first_name="Tove", last_name="Pappersdotter", address="Brevvägen 4\n302 31 Halmstad")
        accepted = paper(902, first_name="Ulf", last_name="Brevsson", address="Kuvertgatan 9\n302 33 Halmstad")
        for referral, decision, reason in (
            (
                rejected,
                Decision.REJECT,
                "Personen har redan ett samordnat stöd genom Region Halland som passar bättre nu.",
            ),
            (accepted, Decision.ACCEPT, "I målgruppen: lång tid utanför arbetsmarknaden och stöd från flera parter."),
        ):
            services.agenda_add(meeting=past, referral=referral, by=coordinator)
            item = AgendaItem.objects.get(meeting=past, referral=referral)
            services.agenda_decide(item=item, decision=decision, reasoning=reason, by=coordinator)
        services.info_meeting_book(
            referral=Referral.objects.get(pk=accepted.pk),
            date=_next_weekday(today),
            start_time=time(14, 0),
            place="IST Halmstad/Hylte, Storgatan 5",
            attendees=[coordinator, *staff],
            by=coordinator,
        )
        made = 2
    # Kallelser of meetings dated in the past since they were booked (the participants demo): none.
    Letter.objects.filter(
        kind=Letter.Kind.INVITATION, status=Letter.Status.PENDING, information_meeting__date__lt=today
    ).delete()
    rendered = 0
    for pk in Letter.objects.filter(status=Letter.Status.PENDING).values_list("pk", flat=True):
        rendered += letters.letter_render(letter_id=pk)
    decision_letter = Letter.objects.filter(
        referral__referrer_email=PAPER_REFERRER, kind=Letter.Kind.DECISION, referral__status=Referral.Status.REJECTED
    ).first()
    if decision_letter is not None and coordinator is not None and decision_letter.sent_at is None:
        letters.letter_mark_sent(letter=decision_letter, how=Letter.SentHow.POST, by=coordinator)
    return {"paper_referrals": made, "letters_rendered": rendered}
