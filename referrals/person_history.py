"""The person, not the paper (issue 18, docs/decisions/0031): one person's referrals and stays across
teams, as one user may see them.

A person (a personnummer) can have several referrals and several stays (enrolments), in different
teams over the years. Wherever a coordinator meets a personnummer (the triage board, the review of
a referral, the enrol page, the registration of a paper referral, the participant page) they see:

- the referrals and stays they may see (the scoped selectors `referrals_for` and `enrollments_for`
  decide, protected identity included), with dates, status, exit reason and links;
- for records in a team they may not see: only which team to contact (its name, e-mail, phone and
  address), never dates, status or names. Only IST staff (coordinators and handledare) are told
  that much; a referrer or the styrgrupp learns nothing of records that are not theirs. Of a person
  with protected identity, only coordinators are told (the flag keeps the person out of every
  search for everyone but their handledare and the coordinators, docs/decisions/0019).

Contact details from an earlier referral are offered (`ContactOffer`), never copied: the page shows
"Uppgifter från tidigare remiss (YYYY-MM-DD)" with a button "Använd" per field.

Participants build on referrals, so this module reads the participants app lazily (as
`referrals.services.known_protected` does). Three queries whatever the number of records; the
referrals are found through `referral_pnr_idx`, the stays through the participant's unique
personnummer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Count, Q

from ist import personnummer as pnr
from ist.audit.recording import record_access, record_log_review
from ist.privacy.identity import coordinated_team_ids
from referrals.models import Referral
from referrals.selectors import referrals_for
from teams.access import roles_of
from teams.models import Membership, Team

if TYPE_CHECKING:
    from ist.http import AuthenticatedHttpRequest
    from participants.models import Enrollment
    from teams.models import User

Role = Membership.Role
STAFF = frozenset({Role.KOORDINATOR, Role.HANDLEDARE})
CONTACT_FIELDS: tuple[tuple[str, str], ...] = (("phone", "Telefon"), ("email", "E-post"), ("address", "Adress"))


def normalised(number: str) -> str:
    """The 12-digit form of a typed personnummer, or "" if it is not valid (then nothing is looked up)."""
    try:
        return pnr.parse(number).number.replace("-", "")
    except ValidationError:
        return ""


@dataclass(frozen=True)
class Offered:
    """One field of an earlier referral: offered beside the field, used only when the user says so."""

    name: str
    label: str
    value: str


@dataclass(frozen=True)
class ContactOffer:
    """Contact details from the newest earlier referral the user may see."""

    referral_id: int
    received_on: date | None
    fields: tuple[Offered, ...]

    def besides(self, current: dict[str, str]) -> ContactOffer | None:
        """The offer for a form whose fields hold `current` (name → value): only its fields, and not
        those that already hold the same value (nothing left: None)."""
        left = tuple(f for f in self.fields if f.name in current and f.value.strip() != current[f.name].strip())
        return ContactOffer(self.referral_id, self.received_on, left) if left else None

    def values(self) -> dict[str, str]:
        """Field name → the earlier value, for `ist.offers.used`."""
        return {f.name: f.value for f in self.fields}


@dataclass(frozen=True)
class Stay:
    """An enrolment the user may see, with what the history shows of it."""

    enrollment: Enrollment
    team: Team
    start: date
    end: date | None
    status: str
    exit_reason: str
    referral_id: int | None


@dataclass(frozen=True)
class PersonHistory:
    referrals: list[Referral] = field(default_factory=list)  # visible, without a visible stay
    stays: list[Stay] = field(default_factory=list)
    elsewhere: list[Team] = field(default_factory=list)  # records the user may not see: contact them
    managed_team_ids: frozenset[int] = frozenset()  # referrals of these teams link to the review page
    offer: ContactOffer | None = None
    # On a participant page: the stay's start, so the others show as earlier and later stays.
    pivot: date | None = None

    def __bool__(self) -> bool:
        return bool(self.referrals or self.stays or self.elsewhere)

    def around(self, day: date) -> PersonHistory:
        return replace(self, pivot=day)

    @property
    def earlier(self) -> list[Stay]:
        return [s for s in self.stays if self.pivot is not None and s.start < self.pivot]

    @property
    def later(self) -> list[Stay]:
        return [s for s in self.stays if self.pivot is not None and s.start >= self.pivot]


EMPTY = PersonHistory()


def _stay(enrollment: Enrollment) -> Stay:
    try:
        closure = enrollment.closure
    except ObjectDoesNotExist:
        closure = None
    return Stay(
        enrollment=enrollment,
        team=enrollment.team,
        start=enrollment.start_date,
        end=closure.date if closure else None,
        status=str(enrollment.get_status_display()),
        exit_reason=str(closure.reason) if closure else "",
        referral_id=enrollment.referral_id,
    )


def _offer(referrals: list[Referral]) -> ContactOffer | None:
    """The newest visible referral with any contact detail; its non-blank fields."""
    for referral in referrals:
        offered = tuple(Offered(name, label, v) for name, label in CONTACT_FIELDS if (v := getattr(referral, name)))
        if offered:
            return ContactOffer(referral.pk, referral.received_on, offered)
    return None


def person_history(
    user: User,
    number: str,
    *,
    exclude_referral: int | None = None,
    exclude_enrollment: int | None = None,
) -> PersonHistory:
    """The person's other referrals and stays as `user` may see them; see the module docstring.

    `number` may be typed (any format `ist.personnummer` accepts); an invalid one finds nothing.
    Drafts are the referrer's alone and never counted. Three queries (plus the user's roles and
    coordinated teams, cached for the request). Reads only: the caller logs the read with `record_history`."""
    from participants.selectors import enrollments_for  # participants builds on referrals

    number = normalised(number)
    if not number or not user.is_authenticated:
        return EMPTY
    enrollments = enrollments_for(user, "view").filter(participant__personnummer=number)
    if exclude_enrollment is not None:
        enrollments = enrollments.exclude(pk=exclude_enrollment)
    stays = [_stay(e) for e in enrollments.select_related("closure__reason").order_by("-start_date", "-pk")]
    shown_with_stay = {s.referral_id for s in stays}
    referrals_seen = list(
        referrals_for(user)
        .filter(personnummer=number)
        .exclude(status=Referral.Status.DRAFT)
        .exclude(pk=exclude_referral or 0)
        .order_by("-received_on", "-pk")
    )
    roles = roles_of(user)
    elsewhere: list[Team] = []
    if roles & STAFF:
        elsewhere = _elsewhere(
            number,
            coordinator=Role.KOORDINATOR in roles,
            seen_referrals=[r.pk for r in referrals_seen] + [exclude_referral or 0],
            seen_enrollments=[s.enrollment.pk for s in stays] + [exclude_enrollment or 0],
        )
    return PersonHistory(
        referrals=[r for r in referrals_seen if r.pk not in shown_with_stay],
        stays=stays,
        elsewhere=elsewhere,
        managed_team_ids=coordinated_team_ids(user),
        offer=_offer(referrals_seen),
    )


def _elsewhere(number: str, *, coordinator: bool, seen_referrals: list[int], seen_enrollments: list[int]) -> list[Team]:
    """Teams holding records of the person that the user does not see. One query."""
    from participants.models import Enrollment

    referrals = Referral.objects.filter(personnummer=number).exclude(status=Referral.Status.DRAFT)
    enrollments = Enrollment.objects.filter(participant__personnummer=number)
    if not coordinator:  # a protected person is kept out of searches for all but coordinators (0019)
        referrals = referrals.filter(protected_identity=False)
        enrollments = enrollments.filter(participant__protected_identity=False)
    referrals = referrals.exclude(pk__in=seen_referrals)
    enrollments = enrollments.exclude(pk__in=seen_enrollments)
    return list(
        Team.objects.filter(Q(pk__in=referrals.values("team_id")) | Q(pk__in=enrollments.values("team_id"))).order_by(
            "name"
        )
    )


def record_history(request: AuthenticatedHttpRequest, history: PersonHistory, number: str) -> None:
    """Log the lookup as a read of personal data: the records shown, and (keyed to the person) that
    records in other teams were pointed to. Nothing is logged when nothing was found."""
    shown = [*history.referrals, *(s.enrollment for s in history.stays)]
    if shown:
        record_access(request, shown, what="känd person")
    if history.elsewhere:
        names = ", ".join(t.name for t in history.elsewhere)
        record_log_review(request, what="känd person i annat team", person=f"pnr:{normalised(number)}", filters=names)


def with_history(numbers: Iterable[str]) -> set[str]:
    """Of these personnummer (of waiting referrals on the triage board), those with another record:
    a second referral that is not a draft, or a stay. One query for the whole page; the mark says
    only that there is a history (the review page shows what the coordinator may see of it)."""
    wanted = {n for n in numbers if n}
    if not wanted:
        return set()
    from participants.models import Participant

    # order_by(): the models' default orderings have no place in a UNION (SQLite refuses them).
    several = (
        Referral.objects.order_by()
        .filter(personnummer__in=wanted)
        .exclude(status=Referral.Status.DRAFT)
        .values("personnummer")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("personnummer", flat=True)
    )
    stayed = (
        Participant.objects.order_by()
        .filter(personnummer__in=wanted, enrollments__isnull=False)
        .values_list("personnummer", flat=True)
    )
    return set(several.union(stayed))
