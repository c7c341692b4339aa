"""How a person is shown to a user: the one place that decides between the name and "Skyddad person".

A person with protected identity (skyddade personuppgifter) is named, and their personnummer shown,
only to those who work with them (docs/decisions/0019-consent-and-protected-identity.md):

- the responsible handledare and the second contact of the enrolment;
- the coordinators of the team the case belongs to;
- the referrer, for their own referral while it is still theirs to edit (a draft, or sent back for
  a komplettering): they typed the details in themselves;
- the author of a referral or question (the referrer, the asker) whenever the flag is not their own:
  set by the team, or copied from another record of the person. What the author sees of what they
  wrote changes only by a flag they set themselves; otherwise any referrer could send a named
  question and read off whether a personnummer is protected. They typed the details, so showing
  them reveals nothing; documents still never reach them (`may_receive`), and the enrolment stays
  out of their lists (participants.selectors.enrollments_for).

Everyone else who may see the case at all (the samverkansteam preparing a meeting, a colleague in the
team, the referrer who flagged the person following the status, a party holding a document, an
administrator) sees "Skyddad person" and no personnummer. Every list, page, PDF, e-mail and export asks this module,
through `display_name`/`display_personnummer` or the template filters in templatetags/privacy.py.

Subjects are duck-typed so that every app can use this module without it importing them: an
enrolment (has `participant` and `responsible_id`), a referral or a consultative question (has
`protected_identity` and `team_id`), or anything with an `enrollment` (a document) or a
`referral`/`question` (an agenda item).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PROTECTED_LABEL = "Skyddad person"
PROTECTED_INITIALS = "SP"


@dataclass(frozen=True)
class Facts:
    """What decides who sees the person: the flag and the people related to the case."""

    protected: bool
    team_id: int | None = None
    staff_ids: tuple[int | None, ...] = ()  # responsible handledare and second contact
    referrer_id: int | None = None  # the referrer while the referral is theirs to edit
    author_id: int | None = None  # the referrer or asker, when the flag is not their own


def coordinated_team_ids(user: Any) -> frozenset[int]:
    """Ids of the active teams the user coordinates (teams.access reads the memberships once a request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    from teams.access import team_ids_where

    return frozenset(team_ids_where(user, action="manage"))


def _cached_related(obj: Any, name: str) -> Any:
    """A related object if it is already loaded (select_related), else None: never a query."""
    cache = getattr(getattr(obj, "_state", None), "fields_cache", {})
    return cache.get(name)


def _agenda_subject(item: Any) -> Any:
    """What an agenda item is about: its referral, its enrolment (issue 18) or its question."""
    if item.referral_id:
        return item.referral
    if getattr(item, "enrollment_id", None):
        return item.enrollment
    return item.question


def facts_of(subject: Any) -> Facts:
    if subject is None:
        return Facts(protected=False)
    if hasattr(subject, "responsible_id") and hasattr(subject, "participant_id"):  # an enrolment
        return Facts(
            protected=bool(subject.participant.protected_identity),
            team_id=subject.team_id,
            staff_ids=(subject.responsible_id, subject.second_contact_id),
        )
    # An agenda item before a document: it has an `enrollment_id` too (empty unless it is an enrolment's).
    if hasattr(subject, "meeting_id") and hasattr(subject, "question_id"):  # an agenda item
        return facts_of(_agenda_subject(subject))
    if hasattr(subject, "enrollment_id") and not hasattr(subject, "protected_identity"):  # a document
        return facts_of(subject.enrollment)
    if hasattr(subject, "protected_identity") and hasattr(subject, "team_id"):  # a referral or a question
        staff: tuple[int | None, ...] = ()
        enrollment = _cached_related(subject, "enrollment")
        if enrollment is not None:
            staff = (enrollment.responsible_id, enrollment.second_contact_id)
        referrer_id = None
        if getattr(subject, "is_open_for_referrer", False):
            referrer_id = subject.referrer_id
        author_id = None
        if not getattr(subject, "protected_identity_by_author", False):
            author_id = getattr(subject, "referrer_id", None) or getattr(subject, "asked_by_id", None)
        return Facts(
            protected=bool(subject.protected_identity),
            team_id=subject.team_id,
            staff_ids=staff,
            referrer_id=referrer_id,
            author_id=author_id,
        )
    raise TypeError(f"no identity rule for {type(subject).__name__}")


def sees_identity(viewer: Any, subject: Any) -> bool:
    """May `viewer` see the name and personnummer of the person `subject` is about?"""
    facts = facts_of(subject)
    if not facts.protected:
        return True
    if viewer is None or not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if viewer.pk in facts.staff_ids or viewer.pk in (facts.referrer_id, facts.author_id):
        return True
    return facts.team_id is not None and facts.team_id in coordinated_team_ids(viewer)


def _person(subject: Any) -> Any:
    """The object holding the name fields: the participant of an enrolment, else the subject."""
    if hasattr(subject, "participant_id") and hasattr(subject, "responsible_id"):
        return subject.participant
    if hasattr(subject, "meeting_id") and hasattr(subject, "question_id"):
        return _person(_agenda_subject(subject))
    if hasattr(subject, "enrollment_id") and not hasattr(subject, "protected_identity"):
        return subject.enrollment.participant
    return subject


def full_name(subject: Any) -> str:
    person = _person(subject)
    if hasattr(person, "first_name"):
        return f"{person.first_name} {person.last_name}".strip()
    return str(getattr(person, "person_name", "") or "")


def display_name(viewer: Any, subject: Any, *, missing: str = "") -> str:
    """The person's name as `viewer` may see it: the name, "Skyddad person", or `missing`."""
    if not sees_identity(viewer, subject):
        return PROTECTED_LABEL
    return full_name(subject) or missing


def display_personnummer(viewer: Any, subject: Any) -> str:
    """The masked personnummer (YYYYMMDD-****) as `viewer` may see it; empty for a protected person."""
    if not sees_identity(viewer, subject):
        return ""
    number = getattr(_person(subject), "personnummer", "") or ""
    return f"{number[:8]}-****" if number else ""


def initials_for(*, first_name: str, last_name: str, protected: bool) -> str:
    """The only trace of a person in an "Att göra" title or an e-mail digest, which are written once
    for every recipient: "GG", or "SP" for a protected person."""
    if protected:
        return PROTECTED_INITIALS
    return f"{first_name[:1]}{last_name[:1]}".upper() or "–"
