from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ist import personnummer
from referrals.demo_people import fake_personnummer


def test_parses_the_usual_spellings_to_twelve_digits() -> None:
    number = fake_personnummer(date(1985, 3, 14), 3)
    short = f"{number[2:8]}-{number[8:]}"
    for spelled in (number, f"{number[:8]}-{number[8:]}", short, f" {number[:8]} {number[8:]} "):
        assert personnummer.parse(spelled).number == number


def test_samordningsnummer_is_accepted_and_recognised() -> None:
    identity = personnummer.parse(fake_personnummer(date(1990, 1, 2), 1, coordination=True))
    assert identity.coordination
    assert identity.birth_date == date(1990, 1, 2)


def test_wrong_check_digit_gives_a_swedish_message() -> None:
    number = fake_personnummer(date(1985, 3, 14), 3)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    with pytest.raises(ValidationError, match="Personnumret är inte giltigt"):
        personnummer.parse(wrong)


def test_age_is_counted_on_a_given_day() -> None:
    identity = personnummer.parse(fake_personnummer(date(2000, 6, 15)))
    assert identity.age_on(date(2016, 6, 14)) == 15
    assert identity.age_on(date(2016, 6, 15)) == 16


def test_masked_and_formatted() -> None:
    assert personnummer.masked("198503149836") == "19850314-****"
    assert personnummer.formatted("198503149836") == "19850314-9836"


def test_demo_numbers_are_in_the_test_series() -> None:
    for serial in range(40):
        assert 980 <= int(fake_personnummer(date(1970, 1, 1), serial)[8:11]) <= 999
