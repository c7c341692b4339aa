"""The letterhead of every printed document and letter: who sends it, to whom, and what it answers.

One small context builder beside one template component (templates/components/pdf_letterhead.html),
so handlingsplaner, återrapporter, avslutssammanfattningar and the letters that come later
(beslutsbrev, kallelse) print the same sender block. The installation's part (the association's
name, address and logo) is the single `teams.Letterhead` row administrators edit; the team's part
(address, phone, e-mail) is on the team. Without a row the association is
`settings.IST_ORGANISATION_NAME` and there is no logo.

The logo is read by WeasyPrint through `ist.pdf.fetching.StaticOnlyFetcher`, which allows the
stored letterhead folder (`logo_root()`) besides the static files: nothing else in MEDIA_ROOT.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings

if TYPE_CHECKING:
    from teams.models import Team, User

# The folder of the stored logos under MEDIA_ROOT (RandomName("letterhead") on teams.Letterhead.logo).
LOGO_FOLDER = "letterhead"


def logo_root() -> Path:
    """The only folder of stored files a PDF may read: the uploaded letterhead logos."""
    return (Path(settings.MEDIA_ROOT) / LOGO_FOLDER).resolve()


@dataclass(frozen=True)
class Addressee:
    """Who a document is written to: a person and the organisation they work for, and the postal
    address lines of a letter sent on paper (empty for documents, and always for a person with
    protected identity: referrals/letters.py)."""

    name: str
    organisation: str = ""
    address: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, user: User) -> Addressee:
        organisation = user.organisation
        where = ""
        if organisation is not None:
            where = f"{organisation.name}, {organisation.unit}" if organisation.unit else organisation.name
        return cls(name=user.get_full_name() or user.email, organisation=where)


@dataclass(frozen=True)
class Letterhead:
    association: str
    association_address: list[str]
    logo_url: str
    team_name: str
    team_address: list[str]
    team_phone: str
    team_email: str


@dataclass(frozen=True)
class Letter:
    """What the letterhead component prints: the sender, the addressee(s) and the references (label,
    text) such as the referral a document answers and the consent it rests on."""

    letterhead: Letterhead
    to: list[Addressee] = field(default_factory=list)
    copies: list[Addressee] = field(default_factory=list)
    references: list[tuple[str, str]] = field(default_factory=list)
    no_addressee: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _logo_url(name: str) -> str:
    """A file:// URL of the stored logo if it lies inside logo_root() (else none: nothing printed)."""
    if not name:
        return ""
    path = (Path(settings.MEDIA_ROOT) / name).resolve()
    if not path.is_file() or not path.is_relative_to(logo_root()):
        return ""
    return path.as_uri()


def letterhead_for(team: Team | None) -> Letterhead:
    """The sender block: the installation's row (one query) and the team's fields."""
    from teams.models import Letterhead as Stored

    stored = Stored.objects.filter(pk=1).first()
    return Letterhead(
        association=stored.name if stored else settings.IST_ORGANISATION_NAME,
        association_address=_lines(stored.address) if stored else [],
        logo_url=_logo_url(stored.logo.name) if stored and stored.logo else "",
        team_name=team.name if team else "",
        team_address=_lines(team.address) if team else [],
        team_phone=team.phone if team else "",
        team_email=team.email if team else "",
    )


def letter_context(
    *,
    team: Team | None,
    to: list[Addressee],
    copies: list[Addressee] | None = None,
    references: list[tuple[str, str]] | None = None,
    no_addressee: str = "",
) -> dict[str, Any]:
    """The context the letterhead component needs (merge it into the PDF's context): `letter`, and
    `organisation_name` / `team_name` for the running header of the following pages."""
    letter = Letter(
        letterhead=letterhead_for(team),
        to=list(to),
        copies=list(copies or []),
        references=list(references or []),
        no_addressee=no_addressee,
    )
    return {
        "letter": letter,
        "organisation_name": letter.letterhead.association,
        "team_name": letter.letterhead.team_name,
    }
