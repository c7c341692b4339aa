"""Triage: the coordinator sorts new referrals, asks for more information and fills a meeting's agenda."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import FilePayload, Page, expect

from referrals.models import Referral
from teams.models import User
from tests.referrals import builders

pytestmark = pytest.mark.browser


def test_coordinator_triages_new_referrals(page: Page, check_a11y, log_in, screenshot) -> None:
    referrer = User.objects.get(email="remittent.fk@ist.example")
    coordinator = User.objects.get(email="koordinator@ist.example")
    first = builders.submitted(referrer, municipality="Halmstad", first_name="Agnes")
    second = builders.submitted(referrer, municipality="Hylte", first_name="Bertil", substance_abuse=True)
    elsewhere = builders.submitted(referrer, municipality="Laholm", first_name="Cecilia")
    meeting = builders.meeting(coordinator)
    builders.question(referrer, question="Kan teamet ta emot en person som just flyttat till Hylte?")
    today = timezone.localdate()
    # Agnes has waited past the answer deadline; Bertil's runs out in two days.
    Referral.objects.filter(pk=first.pk).update(
        received_on=today - timedelta(days=16), answer_deadline=today - timedelta(days=2)
    )
    Referral.objects.filter(pk=second.pk).update(
        received_on=today - timedelta(days=12), answer_deadline=today + timedelta(days=2)
    )

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkommande").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inkommande remisser och frågor")
    board = page.locator("#board")
    for referral in (first, second, elsewhere):
        expect(board.get_by_role("link", name=referral.person_name)).to_be_visible()
    second_row = board.get_by_role("row").filter(has=page.get_by_role("link", name=second.person_name))
    expect(second_row).to_contain_text(second.personnummer_masked)
    expect(second_row).to_contain_text("Pågående missbruk")
    expect(second_row).to_contain_text(re.compile(r"Snart \(dag \d+ av 14, 2 dagar kvar\)"))  # the clock, decision 0030
    first_row = board.get_by_role("row").filter(has=page.get_by_role("link", name=first.person_name))
    expect(first_row).to_contain_text(re.compile(r"Försenad \(dag 16 av 14, 2 dagar över\)"))
    expect(first_row).to_contain_text("väntat 16 dagar")
    expect(second_row).to_contain_text("Inkommen")
    check_a11y(page)

    # htmx: ticking a team updates the board in place, without loading the page again
    page.get_by_role("group", name="Visa team").get_by_label("IST Halmstad/Hylte").check()
    expect(board.get_by_role("link", name=elsewhere.person_name)).to_have_count(0)
    expect(page).to_have_url(re.compile(r"/remisser/inkommande/$"))
    expect(page.locator("#board").get_by_role("link", name=first.person_name)).to_be_visible()
    check_a11y(page)
    screenshot(page, "triage")

    page.locator("#board").get_by_role("link", name=first.person_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Granska remiss: {first.person_name}")
    expect(page.get_by_role("region", name="Målgrupp")).to_contain_text("2 inblandade myndigheter")
    check_a11y(page)

    page.get_by_label("Vad behöver teamet veta?").fill("Hur länge har personen varit sjukskriven?")
    page.get_by_role("button", name="Begär komplettering").click()
    actions = page.get_by_role("region", name="Status och åtgärder")
    expect(actions.locator("#referral-status")).to_have_text("Komplettering begärd")
    expect(actions).to_contain_text("Kompletteringen är begärd.")
    check_a11y(page)

    page.get_by_role("link", name="Inkommande remisser").first.click()
    first_row = page.locator("#board").get_by_role("row").filter(has=page.get_by_role("link", name=first.person_name))
    expect(first_row).to_contain_text("Komplettering begärd")
    check_a11y(page)

    page.locator("#board").get_by_role("link", name=second.person_name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Granska remiss: {second.person_name}")
    check_a11y(page)
    actions = page.get_by_role("region", name="Status och åtgärder")
    actions.get_by_label("Möte").select_option(label=str(meeting))
    page.get_by_role("button", name="Sätt på dagordningen").click()
    expect(actions.locator("#referral-status")).to_have_text("På dagordning")
    expect(actions).to_contain_text(f"Remissen står nu på dagordningen för mötet {meeting}.")
    check_a11y(page)


def test_coordinator_registers_a_paper_referral_and_sees_what_is_missing(page: Page, check_a11y, log_in) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkommande").click()
    check_a11y(page)

    page.get_by_role("link", name=re.compile("^Registrera en remiss")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera remiss")
    check_a11y(page)

    page.get_by_label("Team").select_option(label="IST Halmstad/Hylte")
    page.get_by_label("Förnamn").fill("Berit")
    page.get_by_label("Efternamn").fill("Brevsson")
    page.get_by_label("Inskannad remiss").set_input_files(
        files=[FilePayload(name="remiss.pdf", mimeType="application/pdf", buffer=b"%PDF-1.4\n%%EOF\n")]
    )
    page.get_by_role("button", name="Registrera remissen").click()

    expect(page.get_by_role("alert").first).to_contain_text("Remissen är inte registrerad")
    expect(page.get_by_text("Beskriv bakgrunden.")).to_be_visible()
    expect(page.get_by_text("Välj den inskannade filen igen")).to_be_visible()
    expect(page.get_by_label("Efternamn")).to_have_value("Brevsson")
    check_a11y(page)
