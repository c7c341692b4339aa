"""Referrals, questions and meetings for tests, made through the services (as users make them)."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import count
from typing import Any

from django.utils import timezone

from referrals import services
from referrals.demo_people import fake_personnummer
from referrals.inputs import ReferralFields
from referrals.models import AgendaItem, ConsultativeQuestion, Referral, TeamMeeting
from teams.models import Municipality, User

_serial = count()


def referral_data(municipality: str = "Halmstad", **overrides: Any) -> dict[str, Any]:
    """A complete referral as the form's cleaned_data would give it."""
    n = next(_serial)
    data: dict[str, Any] = {
        "personnummer": fake_personnummer(date(1985, 1 + n % 12, 1 + n % 28), n),
        "first_name": "Åke",
        "last_name": f"Testsson{n}",
        "phone": "070-000 00 00",
        "email": "",
        "address": "Storgatan 1",
        "municipality": Municipality.objects.get(name=municipality),
        "authorities_involved": ["fk", "kommun"],
        "support_authority": "fk",
        "support_kind": None,
        "support_contact_email": "",
        "time_outside": "2-5",
        "background": "Lång sjukskrivning, behöver samordnat stöd.",
        "wishes": "Vill börja arbeta.",
        "obstacles": "",
        "interpreter_needed": False,
        "interpreter_language": "",
        "substance_abuse": False,
        "threatening_behaviour": False,
        "imminent_imprisonment": False,
        "full_sickness_compensation": False,
        "consent_given": True,
        "consent_date": timezone.localdate() - timedelta(days=3),
        "consent_how": "written",
        "consent_scope_referrer": True,
        "consent_scope_kinds": ["af", "fk", "kommun", "region"],
        "consent_scope": "FK, kommunen och regionen",
        "protected_identity": False,
    }
    data.update(overrides)
    return data


def draft(referrer: User, **overrides: Any) -> Referral:
    return services.referral_save_draft(referrer=referrer, values=ReferralFields(**referral_data(**overrides))).referral


def submitted(referrer: User, **overrides: Any) -> Referral:
    referral = draft(referrer, **overrides)
    services.referral_submit(referral=referral, by=referrer)
    referral.refresh_from_db()
    return referral


def question(asker: User, team_slug: str = "halmstad-hylte", **overrides: Any) -> ConsultativeQuestion:
    from tests.factories import team

    fields = {"question": "Kan teamet ta emot en person med …?", **overrides}
    return services.question_ask(asked_by=asker, team=team(team_slug), **fields)


def meeting(by: User, team_slug: str = "halmstad-hylte", days_ahead: int = 0) -> TeamMeeting:
    """A meeting today by default: decisions are recorded from the meeting's day on (issue 18)."""
    from tests.factories import team

    return services.meeting_create(
        team=team(team_slug),
        date=timezone.localdate() + timedelta(days=days_ahead),
        start_time=time(9, 0),
        place="Stadshuset, rum 3",
        by=by,
    )


def on_agenda(referral: Referral, meeting: TeamMeeting, by: User) -> AgendaItem:
    services.agenda_add(meeting=meeting, referral=referral, by=by)
    return AgendaItem.objects.get(meeting=meeting, referral=referral)


def accepted(referral: Referral, coordinator: User) -> Referral:
    item = on_agenda(referral, meeting(coordinator), coordinator)
    services.agenda_decide(item=item, decision=AgendaItem.Decision.ACCEPT, reasoning="I målgruppen.", by=coordinator)
    referral.refresh_from_db()
    return referral
