"""The person, not the paper (docs/decisions/0031): a coordinator in Halmstad reviews the referral of a
person earlier enrolled and closed in IST Varberg, a team koordinator@ does not coordinate, and is told
whom to contact; registering a paper referral, the person's history comes after the personnummer,
and an earlier address is used only when the coordinator presses "Använd"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from teams.models import Team, User
from tests.participants.stays import a_year_ago, closed_stay, ready_in
from tests.referrals import builders

pytestmark = pytest.mark.browser


def test_coordinator_meets_a_returning_person(page: Page, check_a11y, log_in, screenshot) -> None:
    referrer = User.objects.get(email="remittent.fk@ist.example")
    start, end = a_year_ago()
    Team.objects.filter(slug="varberg").update(email="ist.varberg@example.se", phone="0340-12 34 56")
    stay = closed_stay(
        "varberg",
        referrer,
        User.objects.get(email="koordinator2@ist.example"),
        User.objects.get(email="handledare.varberg@ist.example"),
        start=start,
        end=end,
        municipality="Varberg",
        address="Västra vägen 8, Varberg",
    )
    again = builders.submitted(
        referrer, personnummer=stay.participant.personnummer, municipality="Halmstad", first_name="Omar", address=""
    )
    known = builders.submitted(referrer, municipality="Hylte", first_name="Rut", address="Kyrkogatan 12, Hyltebruk")

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkommande").click()
    board = page.locator("#board")
    row = board.get_by_role("row").filter(has=page.get_by_role("link", name=again.person_name))
    expect(row).to_contain_text("Tidigare remiss eller inskrivning")
    check_a11y(page)

    row.get_by_role("link", name=again.person_name).click()
    history = page.get_by_role("region", name="Personens tidigare remisser och inskrivningar")
    expect(history).to_contain_text("Personen finns i IST Varberg. Kontakta IST Varberg")
    expect(history.get_by_role("link", name="ist.varberg@example.se")).to_be_visible()
    expect(history).not_to_contain_text(f"{stay.start_date:%Y-%m-%d}")  # nothing of the stay itself
    expect(page.get_by_text("Inga andra remisser med samma personnummer")).to_have_count(0)
    check_a11y(page)
    screenshot(page, "kand-person-granska")

    page.goto("/remisser/registrera/")
    check_a11y(page)
    number = page.get_by_label("Personnummer eller samordningsnummer")
    number.fill(f"{known.personnummer[:8]}-{known.personnummer[8:]}")
    number.press("Tab")  # leaving the field looks the person up (htmx, into a live region)
    region = page.locator("#known-person")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_contain_text(f"Remiss {known.pk}, IST Halmstad/Hylte")
    expect(region).to_contain_text("Uppgifter från tidigare remiss")
    address = page.get_by_label("Adress", exact=True)
    expect(address).to_have_value("")  # offered, not copied
    check_a11y(page)

    offer = region.get_by_role("listitem").filter(has_text="Adress: Kyrkogatan 12, Hyltebruk")
    offer.get_by_role("button", name="Använd").focus()
    page.keyboard.press("Enter")
    expect(address).to_have_value("Kyrkogatan 12, Hyltebruk")
    expect(address).to_be_focused()
    expect(region.get_by_role("status")).to_have_text("Adress är ifylld från den tidigare remissen.")
    expect(page).to_have_url("/remisser/registrera/")  # filled in place: nothing was sent
    check_a11y(page)
    screenshot(page, "kand-person-registrera")


def test_coordinator_enrols_a_returning_person_and_chooses_the_old_address(
    page: Page, check_a11y, log_in, screenshot
) -> None:
    referrer = User.objects.get(email="remittent.fk@ist.example")
    coordinator = User.objects.get(email="koordinator@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    start, end = a_year_ago()
    earlier = closed_stay(
        "laholm",
        referrer,
        coordinator,
        User.objects.get(email="handledare.laholm@ist.example"),
        start=start,
        end=end,
        municipality="Laholm",
        address="Strandvägen 4, Laholm",
    )
    ready = ready_in("halmstad-hylte", referrer, coordinator, personnummer=earlier.participant.personnummer, address="")

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/skriv-in/{ready.pk}/")
    history = page.get_by_role("region", name="Tidigare inskrivningar och remisser")
    expect(history).to_contain_text(f"IST Laholm, {start:%Y-%m-%d}–{end:%Y-%m-%d}")
    expect(history).to_contain_text("Avslutsorsak:")
    address = page.get_by_label("Adress", exact=True)
    expect(address).to_have_value("")
    check_a11y(page)

    page.get_by_role("listitem").filter(has_text="Adress: Strandvägen 4, Laholm").get_by_role(
        "button", name="Använd"
    ).click()
    expect(address).to_have_value("Strandvägen 4, Laholm")
    page.get_by_label("Ansvarig handledare").select_option(label=handledare.get_full_name())
    page.get_by_role("button", name="Skriv in", exact=True).last.click()
    stays = page.get_by_role("region", name="Personens andra inskrivningar och remisser")
    expect(stays.get_by_role("link", name=f"IST Laholm, {start:%Y-%m-%d}–{end:%Y-%m-%d}")).to_be_visible()
    expect(page.get_by_text("Strandvägen 4, Laholm")).to_be_visible()
    check_a11y(page)
