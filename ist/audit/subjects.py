"""Who a log entry is about.

Each personal-data model puts `{"person": "<kind>:<id>"}` (and `"team"` where
the data belongs to one team) in its audit `additional_data`. Apps register a
finder that turns what a reviewer types (a name, an e-mail, later a
personnummer) into those keys, so Loggkontroll can filter "by person" across
every app without knowing their models.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teams.models import User

PersonFinder = Callable[["User", str], list[tuple[str, str]]]

_finders: list[PersonFinder] = []


def register_person_finder(finder: PersonFinder) -> None:
    if finder not in _finders:
        _finders.append(finder)


def find_people(viewer: User, text: str) -> list[tuple[str, str]]:
    """(key, label) of every person matching `text` that the viewer may review."""
    found: dict[str, str] = {}  # a person in a referral and an enrolment is one person
    for finder in _finders:
        for key, label in finder(viewer, text):
            found.setdefault(key, label)
    return list(found.items())
