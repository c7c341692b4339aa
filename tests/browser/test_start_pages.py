"""Each demo role logs in through the form, lands on its own start page and logs out."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# Second-level headings of the start page's sections (templates/home/start.html).
SECTIONS = {
    "Administration",
    "De fem individsamverkansteamen",
    "Teamkoordinator",
    "Ditt team",
    "Dina team",
    "Styrgrupp",
    "Ingen roll ännu",
}


@dataclass(frozen=True)
class Role:
    slug: str  # names the screenshot: docs/screenshots/start-<slug>.png
    email: str
    first_name: str
    sections: tuple[str, ...]  # the SECTIONS this role sees; it sees none of the others
    texts: tuple[str, ...] = ()  # further text the page shows this role
    menu: tuple[str, ...] = ("Start",)
    teams: tuple[str, ...] = ()  # the team cards ("Ditt team"/"Dina team"), in order
    referrer_heading: str = ""  # "Inremittent – <organisation>" for referrers


ROLES = [
    Role(
        "administrator",
        "admin@ist.example",
        "Anna",
        sections=("Administration", "De fem individsamverkansteamen"),
        texts=("Användare och roller", "Låsta inloggningar", "IST Kungsbacka"),
        menu=("Start", "Statistik", "Loggkontroll", "Gallring", "Administration"),
    ),
    Role(
        "teamkoordinator",
        "koordinator@ist.example",
        "Karin",
        sections=("Teamkoordinator", "Dina team"),
        texts=(
            "Du är teamkoordinator i IST Halmstad/Hylte, teamkoordinator i IST Laholm.",
            "Loggkontroll för dina team",
        ),
        menu=("Start", "Inkommande", "Möten", "Deltagare", "Arbetsfördelning", "Översikt", "Statistik", "Loggkontroll"),
        teams=("IST Halmstad/Hylte", "IST Laholm"),
    ),
    Role(
        "handledare",
        "handledare@ist.example",
        "Hanna",
        sections=("Handledare", "Ditt team"),
        texts=("Du är handledare i IST Halmstad/Hylte.",),
        menu=("Start", "Min vecka", "Deltagare"),
        teams=("IST Halmstad/Hylte",),
    ),
    Role(
        "samverkansteam",
        "samverkan@ist.example",
        "Sara",
        sections=("Samverkansteam", "Ditt team"),
        texts=("Du är samverkansteam i IST Halmstad/Hylte.",),
        menu=("Start", "Möten"),
        teams=("IST Halmstad/Hylte",),
    ),
    Role(
        "inremittent-fk",
        "remittent.fk@ist.example",
        "Frida",
        sections=(),
        texts=("Remissen går till teamet i den kommun där personen bor.",),
        menu=("Start", "Deltagare", "Mina remisser", "Frågor", "Dokument"),
        referrer_heading="Inremittent – Försäkringskassan, Lokalt försäkringscenter Halmstad",
    ),
    Role(
        "inremittent-kommun",
        "remittent.kommun@ist.example",
        "Kim",
        sections=(),
        texts=("Remissen går till teamet i den kommun där personen bor.",),
        menu=("Start", "Deltagare", "Mina remisser", "Frågor", "Dokument"),
        referrer_heading="Inremittent – Halmstads kommun, Socialförvaltningen, ekonomiskt bistånd",
    ),
    Role(
        "styrgrupp",
        "styrgrupp@ist.example",
        "Stefan",
        sections=("Styrgrupp", "De fem individsamverkansteamen"),
        texts=("aldrig uppgifter om enskilda personer",),
        menu=("Start", "Statistik"),
    ),
]


@pytest.mark.parametrize("role", ROLES, ids=[role.slug for role in ROLES])
def test_each_role_logs_in_to_its_own_start_page_and_out(
    page: Page, role: Role, check_a11y, log_in, screenshot
) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    check_a11y(page)

    log_in(page, role.email)

    expect(page).to_have_url(re.compile(r"^[^?]*://[^/]+/$"))
    expect(page).to_have_title("Start – IST Halland")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Välkommen, {role.first_name}")
    main = page.get_by_role("main")
    for heading in SECTIONS:
        expect(main.get_by_role("heading", name=heading, level=2, exact=True)).to_have_count(
            1 if heading in role.sections else 0
        )
    referrer = main.get_by_role("heading", name=re.compile(r"^Inremittent"), level=2)
    if role.referrer_heading:
        expect(referrer).to_have_text(role.referrer_heading)
        for municipality, team in [("Hylte", "IST Halmstad/Hylte"), ("Laholm", "IST Laholm")]:
            row = main.get_by_role("row").filter(has=page.get_by_role("rowheader", name=municipality, exact=True))
            expect(row).to_contain_text(team)
    else:
        expect(referrer).to_have_count(0)
    for text in role.texts:
        expect(main).to_contain_text(text)
    expect(main.get_by_role("article").get_by_role("heading", level=3)).to_have_text(list(role.teams))
    expect(page.get_by_role("navigation", name="Huvudmeny").get_by_role("link")).to_have_text(list(role.menu))
    check_a11y(page)
    screenshot(page, f"start-{role.slug}")

    page.get_by_role("button", name="Logga ut").click()

    expect(page).to_have_url(re.compile(r"/konto/login/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    check_a11y(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/$"))
    check_a11y(page)
