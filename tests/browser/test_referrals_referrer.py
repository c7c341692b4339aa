"""A referrer writes a referral, learns why it cannot be sent without consent, sends it and follows it
until the team has decided."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ist.personnummer import formatted
from referrals import services
from referrals.demo_people import fake_personnummer
from referrals.models import AgendaItem, Referral
from teams.models import User
from tests.referrals import builders

pytestmark = pytest.mark.browser

REASONING = "Personen är i målgruppen och behöver stöd från FK och kommunen. Vi erbjuder ett informationsmöte."


def test_referrer_sends_a_referral_and_reads_the_teams_decision(page: Page, check_a11y, log_in, screenshot) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Frida")
    check_a11y(page)

    page.goto("/remisser/mina/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina remisser")
    expect(page.get_by_text("Du har inte skrivit någon remiss ännu.")).to_be_visible()
    check_a11y(page)

    page.get_by_role("link", name="Ny remiss").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny remiss")
    check_a11y(page)

    page.get_by_label("Personnummer eller samordningsnummer").fill(formatted(fake_personnummer(date(1985, 3, 14), 1)))
    page.get_by_label("Förnamn").fill("Åsa")
    page.get_by_label("Efternamn").fill("Testdotter")
    page.get_by_label("Telefon", exact=True).fill("070-000 00 00")
    page.get_by_label("Bor i kommun").select_option(label="Halmstad")
    authorities = page.get_by_role("group", name="Inblandade myndigheter")  # the consent lists the same kinds
    authorities.get_by_role("checkbox", name="Försäkringskassan", exact=True).check()
    authorities.get_by_role("checkbox", name="Kommun", exact=True).check()
    page.get_by_label("Ansvarig för försörjningen").select_option(label="Försäkringskassan")
    page.get_by_label("Tid utanför arbetsmarknaden").select_option(label="2–5 år")
    page.get_by_label("Bakgrund").fill("Sjukskriven sedan 2022, har provat arbetsträning utan att komma vidare.")
    page.get_by_label("Vad personen vill").fill("Komma tillbaka till arbete inom handeln.")
    check_a11y(page)
    screenshot(page, "remiss-formular")

    # Without consent: the draft is kept and the form says why it cannot be sent.
    page.get_by_role("button", name="Skicka remissen").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Remissen kunde inte skickas")
    expect(alert).to_contain_text("samtycke")
    consent = page.locator(".field-checkbox", has=page.get_by_label("Personen har gett sitt samtycke"))
    expect(consent).to_contain_text(
        "Remissen kan inte skickas utan personens samtycke till att myndigheterna utbyter information."
    )
    expect(page.get_by_label("Förnamn")).to_have_value("Åsa")
    expect(page.get_by_label("Bakgrund")).to_have_value(re.compile("^Sjukskriven sedan 2022"))
    check_a11y(page)

    page.get_by_label("Personen har gett sitt samtycke").check()
    page.get_by_label("Samtycke lämnat").fill(f"{timezone.localdate() - timedelta(days=2):%Y-%m-%d}")
    scope = page.get_by_role("group", name="Samtycket gäller även")
    scope.get_by_role("checkbox", name="Försäkringskassan", exact=True).check()
    scope.get_by_role("checkbox", name="Region Halland", exact=True).check()
    page.get_by_label("Anteckning om samtycket").fill("Gäller uppgifter om arbetsförmåga.")
    page.get_by_role("button", name="Skicka remissen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Remiss \d+: Åsa Testdotter$"))
    expect(page.get_by_text("Remissen är skickad.")).to_be_visible()
    expect(page.locator(".lead")).to_contain_text("Inkommen")
    check_a11y(page)

    page.get_by_role("link", name="Till Mina remisser").click()
    row = page.get_by_role("row", name=re.compile("Åsa Testdotter"))
    expect(row).to_contain_text("Inkommen")
    expect(row).to_contain_text("19850314-****")
    expect(row).to_contain_text("IST Halmstad/Hylte")
    check_a11y(page)
    screenshot(page, "mina-remisser")

    # The samverkansteam takes it up and accepts it (through the services, as the coordinator).
    coordinator = User.objects.get(email="koordinator@ist.example")
    referral = Referral.objects.get(last_name="Testdotter")
    item = builders.on_agenda(referral, builders.meeting(coordinator), coordinator)
    services.agenda_decide(item=item, decision=AgendaItem.Decision.ACCEPT, reasoning=REASONING, by=coordinator)

    page.reload()
    expect(row).to_contain_text("Antagen – informationsmöte erbjuds")
    check_a11y(page)

    row.get_by_role("link").first.click()
    decision = page.get_by_role("region", name="Teamets beslut")
    # The box says the decision and where the referral stands since (decision 0029).
    expect(decision.locator("strong")).to_have_text("Antagen")
    expect(decision).to_contain_text("Personen erbjuds ett informationsmöte.")
    expect(decision).to_contain_text(REASONING)
    check_a11y(page)


def test_send_pressed_while_an_autosave_is_answered_waits_for_it_and_is_not_a_stale_edit(
    page: Page, check_a11y, log_in
) -> None:
    """The referrer types; the autosave reaches the server (the draft gets a new version) but its answer
    is slow; "Skicka remissen" pressed meanwhile waits for that answer and sends with the new version
    (static/js/autosave.js). Before, the send carried the old version and was refused as if someone
    else had saved: the race a slow connection (or CI on a loaded machine) runs into."""
    referrer = User.objects.get(email="remittent.fk@ist.example")
    referral = builders.draft(referrer, first_name="Vera", last_name="Väntasson")
    held = []

    def hold_the_answer(route) -> None:
        held.append((route, route.fetch()))  # the server has saved; the browser hears of it later

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Frida")
    check_a11y(page)
    page.goto(f"/remisser/{referral.pk}/andra/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vera Väntasson")
    check_a11y(page)
    page.route("**/remisser/autospar/", hold_the_answer)
    page.get_by_label("Kända hinder").fill("Oro inför nya sammanhang.")
    expect(page.locator("form.referral-form")).to_have_class(re.compile(r"\bhtmx-request\b"))  # on its way
    while not held:
        page.wait_for_timeout(100)
    referral.refresh_from_db()
    assert referral.obstacles == "Oro inför nya sammanhang."  # the autosave is saved: a new version
    page.get_by_role("button", name="Skicka remissen").click()
    page.wait_for_timeout(300)
    route, response = held[0]
    route.fulfill(response=response)

    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Remiss \d+: Vera Väntasson$"))
    expect(page.get_by_text("Remissen är skickad.")).to_be_visible()
    check_a11y(page)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.SUBMITTED
    assert referral.obstacles == "Oro inför nya sammanhang."
