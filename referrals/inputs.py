"""What the referral services write, as typed, named fields: one frozen dataclass per use case
(docs/architecture.md "Services"). A form builds one from its cleaned data (`ReferralForm.service_values`);
a service writes exactly these fields, never whatever keys a dictionary happens to carry.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any, Self

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from referrals.models import Referral, SupportKind
    from teams.models import Municipality, Organisation, Team


@dataclass(frozen=True, kw_only=True)
class ReferralFields:
    """The referral as the referrer writes it (ReferralForm). The defaults are an empty draft.

    `protected_identity` is the referrer's own tick; the service decides the flag itself
    (referrals.services._author_flag)."""

    personnummer: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    municipality: Municipality | None = None
    authorities_involved: list[str] = field(default_factory=list)
    support_authority: str = ""
    support_kind: SupportKind | None = None
    support_contact_email: str = ""
    time_outside: str = ""
    background: str = ""
    wishes: str = ""
    obstacles: str = ""
    interpreter_needed: bool = False
    interpreter_language: str = ""
    substance_abuse: bool = False
    threatening_behaviour: bool = False
    imminent_imprisonment: bool = False
    full_sickness_compensation: bool = False
    protected_identity: bool = False
    consent_given: bool = False
    consent_date: date | None = None
    consent_how: str = ""
    consent_scope_referrer: bool = True
    consent_scope_kinds: list[str] = field(default_factory=list)
    consent_scope: str = ""

    @classmethod
    def of(cls, referral: Referral, **changes: Any) -> Self:
        """The referral's saved fields as its referrer sees them (their own protected tick), with
        `changes`: what a form showing the saved referral would post after editing those fields."""
        current = {f.name: getattr(referral, f.name) for f in fields(cls)}
        current["protected_identity"] = referral.protected_identity_by_author
        return replace(cls(**current), **changes)


@dataclass(frozen=True, kw_only=True)
class RegisteredReferralFields(ReferralFields):
    """A referral a coordinator registers from paper or e-mail (RegisterReferralForm): the referral,
    who sent it, and the scanned original. Here `protected_identity` is the flag itself."""

    referrer_name: str = ""
    referrer_phone: str = ""
    referrer_email: str = ""
    referrer_organisation: Organisation | None = None
    attachment: UploadedFile | None = None


@dataclass(frozen=True, kw_only=True)
class TeamEdit:
    """What a coordinator corrects on a referral (TeamEditForm)."""

    team: Team
    first_name: str
    last_name: str
    phone: str
    email: str
    municipality: Municipality | None
    substance_abuse: bool
    threatening_behaviour: bool
    imminent_imprisonment: bool
    full_sickness_compensation: bool
    protected_identity: bool

    @classmethod
    def of(cls, referral: Referral, **changes: Any) -> Self:
        """The referral's saved fields with `changes` (what the coordinator's form would post)."""
        return replace(cls(**{f.name: getattr(referral, f.name) for f in fields(cls)}), **changes)
