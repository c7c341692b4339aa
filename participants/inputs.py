"""What the participant services write, as typed, named fields: one frozen dataclass per use case
(docs/architecture.md "Services"). Forms build them from their cleaned data; a service writes
exactly these fields, never whatever keys a dictionary happens to carry."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    import datetime

    from participants.models import Activity, EducationLevel, ExitReason, Occupation, Participant
    from referrals.models import SupportKind
    from teams.models import Municipality


@dataclass(frozen=True, kw_only=True)
class EntryVariables:
    """The entry variables recorded at enrolment (EnrollForm; the association's follow-up)."""

    support_at_entry: SupportKind | None = None
    months_in_support_before: int | None = None
    education: EducationLevel | None = None
    occupation_before: Occupation | None = None
    occupation_before_extent: int | None = None


@dataclass(frozen=True, kw_only=True)
class ContactDetails:
    """The person's contact details as the coordinator confirms them at enrolment (EnrollForm): the
    new referral's, blanks included, unless they chose to use an earlier referral's (docs/decisions/0031)."""

    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True, kw_only=True)
class ParticipantCorrection:
    """The person's details a coordinator corrects (ParticipantCorrectionForm)."""

    first_name: str
    last_name: str
    phone: str
    email: str
    address: str
    municipality: Municipality
    sex: str
    birth_year: int
    protected_identity: bool

    @classmethod
    def of(cls, participant: Participant, **changes: Any) -> Self:
        """The participant's saved details with `changes` (what the form would post)."""
        return replace(cls(**{f.name: getattr(participant, f.name) for f in fields(cls)}), **changes)


@dataclass(frozen=True, kw_only=True)
class ActivityFields:
    """One logged activity as the correction form writes it (ActivityForm)."""

    kind: str
    date: date
    attendance: str
    duration_minutes: int
    note: str

    @classmethod
    def of(cls, activity: Activity, **changes: Any) -> Self:
        """The activity's saved fields with `changes` (what the form would post); the kind by its code."""
        saved = {f.name: getattr(activity, "kind_id" if f.name == "kind" else f.name) for f in fields(cls)}
        return replace(cls(**saved), **changes)


@dataclass(frozen=True, kw_only=True)
class ClosureFields:
    """The closure of an enrolment: exit reason and the exit variables (ClosureForm)."""

    date: date
    reason: ExitReason
    occupation_after: Occupation | None = None
    occupation_after_extent: int | None = None
    support_after: SupportKind | None = None
    summary: str = ""
    recommendations: str = ""
    closing_meeting_on: datetime.date | None = None
    care_provider_consulted: bool = False
    parties_consulted: bool = False


@dataclass(frozen=True, kw_only=True)
class GroupFields:
    """A saved group's own fields (GroupForm); its members are passed beside them."""

    name: str
    kind: str  # the ActivityType's code
    weekday: int
    start_time: datetime.time
    duration_minutes: int


@dataclass(frozen=True, kw_only=True)
class SessionFields:
    """A group session as a whole (GroupSessionForm of a saved group): what every activity of it shares."""

    date: date
    start_time: datetime.time | None
    duration_minutes: int
    note: str
