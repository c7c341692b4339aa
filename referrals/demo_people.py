"""Personnummer for demo and test data: never a real person's.

Birth numbers 980–999 are the series of Skatteverket's test personnummer
(testpersonnummer); numbers here are built in that series with a valid check
digit, so they validate like real ones but belong to nobody.
"""

from __future__ import annotations

from datetime import date


def luhn_check_digit(nine: str) -> int:
    total = 0
    for i, ch in enumerate(nine):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return (10 - total % 10) % 10


def fake_personnummer(born: date, serial: int = 0, *, coordination: bool = False) -> str:
    """A 12-digit number in the test series (birth number 980 + serial % 20)."""
    day = born.day + (60 if coordination else 0)
    birth_number = 980 + serial % 20
    nine = f"{born:%y%m}{day:02d}{birth_number:03d}"
    return f"{born:%Y%m}{day:02d}{birth_number:03d}{luhn_check_digit(nine)}"
