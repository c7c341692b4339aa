"""Demo organisation: partner organisations and users of every role across several teams.

Every demo account shares DEMO_PASSWORD; the README lists the main ones.
Idempotent: existing rows are left as they are.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction

from teams.halland import MUNICIPALITIES, TEAMS
from teams.models import Letterhead, Membership, Municipality, Organisation, Team, User

DEMO_PASSWORD = "ist-demo-2026"  # noqa: S105 - published demo password, never used in production
DOMAIN = "ist.example"
# The demo teams' postcodes (their letterhead addresses are made up).
POSTCODES = {
    "laholm": "312 30",
    "halmstad": "302 45",
    "falkenberg": "311 30",
    "varberg": "432 44",
    "kungsbacka": "434 30",
}
Role = Membership.Role
Kind = Organisation.Kind

# (kind, name, unit, municipality code)
ORGANISATIONS = [
    (Kind.FK, "Försäkringskassan", "Lokalt försäkringscenter Halmstad", None),
    (Kind.FK, "Försäkringskassan", "Lokalt försäkringscenter Varberg", None),
    (Kind.AF, "Arbetsförmedlingen", "Halmstad", None),
    (Kind.AF, "Arbetsförmedlingen", "Kungsbacka", None),
    (Kind.REGION, "Region Halland", "Vuxenpsykiatrin Halmstad", None),
    (Kind.REGION, "Region Halland", "Vårdcentralen Falkenberg", None),
    (Kind.KOMMUN, "Halmstads kommun", "Socialförvaltningen, ekonomiskt bistånd", "1380"),
    (Kind.KOMMUN, "Laholms kommun", "Arbetsmarknadsenheten", "1381"),
    (Kind.KOMMUN, "Varbergs kommun", "Arbetsmarknadsenheten", "1383"),
    (Kind.KOMMUN, "Kungsbacka kommun", "Individ- och familjeomsorg", "1384"),
]

# (e-mail local part, first, last, organisation unit or None, flags, [(team slug, role)])
USERS = [
    ("admin", "Anna", "Administratör", None, {"is_administrator": True}, []),
    ("styrgrupp", "Stefan", "Styrgrupp", None, {"is_steering_group": True}, []),
    (
        "koordinator",
        "Karin",
        "Koordinator",
        None,
        {},
        [("halmstad-hylte", Role.KOORDINATOR), ("laholm", Role.KOORDINATOR)],
    ),
    (
        "koordinator2",
        "Kerstin",
        "Lindqvist",
        None,
        {},
        [("falkenberg", Role.KOORDINATOR), ("varberg", Role.KOORDINATOR), ("kungsbacka", Role.KOORDINATOR)],
    ),
    ("handledare", "Hanna", "Handledare", None, {}, [("halmstad-hylte", Role.HANDLEDARE)]),
    ("handledare2", "Hassan", "Olsson", None, {}, [("halmstad-hylte", Role.HANDLEDARE)]),
    ("handledare.laholm", "Lina", "Berg", None, {}, [("laholm", Role.HANDLEDARE)]),
    ("handledare.falkenberg", "Fredrik", "Ek", None, {}, [("falkenberg", Role.HANDLEDARE)]),
    ("handledare.varberg", "Vera", "Nilsson", None, {}, [("varberg", Role.HANDLEDARE)]),
    ("handledare.kungsbacka", "Kalle", "Svensson", None, {}, [("kungsbacka", Role.HANDLEDARE)]),
    (
        "samverkan",
        "Sara",
        "Samverkan",
        "Lokalt försäkringscenter Halmstad",
        {},
        [("halmstad-hylte", Role.SAMVERKANSTEAM)],
    ),
    ("samverkan.af", "Ali", "Hussein", "Halmstad", {}, [("halmstad-hylte", Role.SAMVERKANSTEAM)]),
    ("samverkan.region", "Maria", "Holm", "Vuxenpsykiatrin Halmstad", {}, [("halmstad-hylte", Role.SAMVERKANSTEAM)]),
    (
        "samverkan.kommun",
        "Per",
        "Lund",
        "Socialförvaltningen, ekonomiskt bistånd",
        {},
        [("halmstad-hylte", Role.SAMVERKANSTEAM)],
    ),
    ("remittent.fk", "Frida", "Karlsson", "Lokalt försäkringscenter Halmstad", {"is_referrer": True}, []),
    ("remittent.kommun", "Kim", "Johansson", "Socialförvaltningen, ekonomiskt bistånd", {"is_referrer": True}, []),
    ("remittent.af", "Amir", "Persson", "Kungsbacka", {"is_referrer": True}, []),
]


def demo_email(local: str) -> str:
    return f"{local}@{DOMAIN}"


@transaction.atomic
def seed_organisation() -> dict[str, int]:
    """Teams and municipalities (normally made by migration), partners, users, memberships."""
    teams = {}
    for slug, name, place in TEAMS:
        teams[slug], _ = Team.objects.get_or_create(slug=slug, defaults={"name": name})
        if not teams[slug].email:
            teams[slug].email = demo_email(f"ist.{place}")
            teams[slug].save(update_fields=["email"])
        if not teams[slug].address:
            teams[slug].address = f"Storgatan 1\n{POSTCODES.get(place, '300 00')} {place.capitalize()}"
            teams[slug].phone = "035-13 70 00"
            teams[slug].save(update_fields=["address", "phone"])
    for code, name, team_slug in MUNICIPALITIES:
        Municipality.objects.get_or_create(code=code, defaults={"name": name, "team": teams[team_slug]})
    municipalities = {m.code: m for m in Municipality.objects.all()}
    units = {}
    for kind, name, unit, in_municipality in ORGANISATIONS:
        units[unit], _ = Organisation.objects.get_or_create(
            kind=kind,
            name=name,
            unit=unit,
            defaults={"municipality": municipalities.get(in_municipality) if in_municipality else None},
        )
    created = 0
    for local, first, last, user_unit, flags, roles in USERS:
        user = User.objects.filter(email=demo_email(local)).first()
        if user is None:
            user = User.objects.create_user(
                demo_email(local),
                DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                phone="035-12 34 56",
                organisation=units[user_unit] if user_unit else None,
                **flags,
            )
            created += 1
        for slug, role in roles:
            Membership.objects.get_or_create(user=user, team=teams[slug], role=role)
    return {"users_created": created}


def seed_letterhead() -> dict[str, int]:
    """The installation's letterhead with the demo logo (static/img/letterhead-demo.png). A seeder of
    its own (not part of seed_organisation, which the tests' reference data also runs): it writes a
    file to MEDIA_ROOT."""
    if Letterhead.objects.exists():
        return {"letterhead_created": 0}
    letterhead = Letterhead(pk=1, name="Samordningsförbundet i Halland", address="Box 123\n301 05 Halmstad")
    logo = finders.find("img/letterhead-demo.png")
    if logo:
        letterhead.logo.save("logo.png", ContentFile(Path(logo).read_bytes()), save=False)
    letterhead.save()
    return {"letterhead_created": 1}
