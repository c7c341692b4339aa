"""What the system can compute about a referral: completeness and target-group hints.

The hints support the team's judgement; none of them blocks anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError

from ist import personnummer
from referrals.models import Referral

MIN_AGE, MAX_AGE = 16, 64


def missing_for_submit(referral: Referral, *, registered: bool = False) -> dict[str, str]:
    """Field name → Swedish message, for everything a sent referral must have."""
    missing: dict[str, str] = {}
    if not referral.personnummer:
        missing["personnummer"] = "Ange personens personnummer eller samordningsnummer."
    if not referral.first_name or not referral.last_name:
        missing["last_name" if referral.first_name else "first_name"] = "Ange personens för- och efternamn."
    if referral.municipality_id is None:
        missing["municipality"] = "Ange vilken kommun personen bor i; den avgör vilket team som tar emot remissen."
    if not referral.authorities_involved:
        missing["authorities_involved"] = "Ange vilka myndigheter som är inblandade."
    if not referral.background.strip():
        missing["background"] = "Beskriv bakgrunden."
    if not referral.consent_given:
        missing["consent_given"] = (
            "Remissen kan inte skickas utan personens samtycke till att myndigheterna utbyter information."
        )
    elif referral.consent_date is None:
        missing["consent_date"] = "Ange när samtycket lämnades."
    if registered and not (referral.referrer_name or referral.referrer_id):
        missing["referrer_name"] = "Ange vem som remitterar."
    return missing


@dataclass(frozen=True)
class Hint:
    ok: bool | None  # None: cannot be told
    text: str


def target_group_hints(referral: Referral, today: date) -> list[Hint]:
    """The computed parts of the target-group check (DOMAIN.md "Target group")."""
    hints = []
    try:
        age = personnummer.parse(referral.personnummer).age_on(today) if referral.personnummer else None
    except ValidationError:
        age = None
    if age is None:
        hints.append(Hint(None, "Ålder okänd"))
    else:
        hints.append(
            Hint(MIN_AGE <= age <= MAX_AGE, f"{age} år" + ("" if MIN_AGE <= age <= MAX_AGE else " – utanför 16–64"))
        )
    if referral.municipality is None:
        hints.append(Hint(None, "Kommun saknas"))
    else:
        in_team = referral.municipality.team_id == referral.team_id
        hints.append(Hint(in_team, f"Bor i {referral.municipality}" + ("" if in_team else " – annat teams kommun")))
    count = len(referral.authorities_involved or [])
    hints.append(Hint(count >= 2, f"{count} inblandade myndigheter" + ("" if count >= 2 else " – minst två väntas")))
    for flag, label in (
        ("substance_abuse", "Pågående missbruk"),
        ("threatening_behaviour", "Känt hotfullt beteende"),
        ("imminent_imprisonment", "Förestående fängelsevistelse"),
        ("full_sickness_compensation", "Hel sjukersättning"),
    ):
        if getattr(referral, flag):
            hints.append(Hint(False, label))
    return hints


def age_of(referral: Referral, today: date) -> int | None:
    if not referral.personnummer:
        return None
    try:
        return personnummer.parse(referral.personnummer).age_on(today)
    except ValidationError:
        return None
