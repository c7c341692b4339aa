"""Personnummer and samordningsnummer: parse, validate, store as 12 digits, mask, derive.

The `personnummer` library does the check-digit and date validation; this
module fixes the project's conventions around it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from personnummer import personnummer as pnr_lib


@dataclass(frozen=True)
class Identity:
    number: str  # 12 digits, with century
    birth_date: date
    coordination: bool  # samordningsnummer (day + 60)
    male: bool

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse(raw: str) -> Identity:
    """Parse YYYYMMDD-NNNN, YYMMDD-NNNN and the like; ValidationError in Swedish if invalid."""
    text = (raw or "").strip().replace(" ", "")
    try:
        number = pnr_lib.Personnummer(text)
    except pnr_lib.PersonnummerException as exc:
        raise ValidationError(
            "Personnumret är inte giltigt. Skriv det som ÅÅÅÅMMDD-NNNN och kontrollera siffrorna.",
            code="invalid_personnummer",
        ) from exc
    return Identity(
        number=number.format(long_format=True),
        birth_date=number.get_date(),
        coordination=number.is_coordination_number(),
        male=number.is_male(),
    )


def formatted(number: str) -> str:
    """197001012384 → 19700101-2384."""
    return f"{number[:8]}-{number[8:]}" if len(number) == 12 else number


def masked(number: str) -> str:
    """For lists: the birth date shows, the last four digits do not (19700101-****)."""
    return f"{number[:8]}-****" if len(number) == 12 else "****"
