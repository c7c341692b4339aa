"""Demo referrals: every state in every team, questions, two past meetings with minutes and one upcoming.

Made through the services, as users would. Idempotent: a team that already has
demo referrals is left alone.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import cycle

from django.db import transaction
from django.utils import timezone

from referrals import services
from referrals.demo_people import fake_personnummer
from referrals.models import AgendaItem, ConsultativeQuestion, InformationMeeting, Referral, SupportKind
from teams.demo import demo_email
from teams.models import Membership, Team, User

Decision = AgendaItem.Decision
Outcome = InformationMeeting.Outcome

FIRST = ["Amina", "Björn", "Cecilia", "David", "Elin", "Fatima", "Göran", "Helena", "Ibrahim", "Johanna", "Karl"]
LAST = ["Andersson", "Berglund", "Carlsson", "Dahl", "Ekström", "Forsberg", "Gustafsson", "Hedlund", "Isaksson"]
BACKGROUNDS = [
    "Sjukskriven sedan länge på grund av utmattning. Har försökt arbetsträning via AF utan att orka.",
    "Försörjningsstöd i flera år, oregelbunden kontakt med vården för ångest. Vill komma närmare arbete.",
    "Aktivitetsersättning, behöver samordnat stöd från FK, kommun och psykiatri för att komma vidare.",
]


def _data(team: Team, n: int, kinds: dict[str, SupportKind], **overrides: object) -> dict[str, object]:
    municipality = team.municipalities.order_by("name").first()
    born = date(1966 + (n * 7) % 40, 1 + n % 12, 1 + (n * 3) % 28)
    data: dict[str, object] = {
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
    return data


@transaction.atomic
def seed_referrals() -> dict[str, int]:
    today = timezone.localdate()
    kinds = {k.code: k for k in SupportKind.objects.all()}
    referrers = cycle(
        User.objects.filter(email__in=[demo_email(x) for x in ("remittent.fk", "remittent.kommun", "remittent.af")])
    )
    made = 0
    for t_index, team in enumerate(Team.objects.order_by("name")):
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
            r = services.referral_save_draft(referrer=who, data=_data(team, n, kinds, **overrides)).referral
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
            services.meeting_record_attendance(
                meeting=meeting,
                rows=[
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
        # A draft the referrer has not sent yet
        n += 1
        services.referral_save_draft(
            referrer=next(referrers), data=_data(team, n, kinds, consent_given=False, consent_date=None)
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
    return {"referrals_created": made, "questions": ConsultativeQuestion.objects.count()}
