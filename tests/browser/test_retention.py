"""An administrator reads what the next gallring removes, places and releases a spärr, and orders a
registerutdrag that the worker builds and she downloads."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from ist.personnummer import formatted
from ist.retention.demo import seed_retention
from referrals.demo_people import fake_personnummer

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(page: Page) -> None:
    """The demo's records due for gallring and its spärr (the page fixture has seeded the organisation)."""
    seed_retention()


def test_administrator_previews_gallring_and_places_a_spärr(page: Page, demo, check_a11y, log_in, screenshot) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "admin@ist.example")
    check_a11y(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Gallring").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gallring")
    preview = page.get_by_role("table", name="Vad nästa körning tar bort, per regel")
    drafts = preview.get_by_role("row").filter(has_text="Remissutkast som aldrig skickades")
    expect(drafts.locator("td").last).to_have_text("2")
    stays = preview.get_by_role("row").filter(has_text="Avslutad inskrivning")
    expect(stays.locator("td").last).to_have_text("1")
    holds = page.get_by_role("table", name="Spärrar mot gallring")
    expect(holds.get_by_role("row")).to_have_count(2)  # heading row and the demo's spärr
    check_a11y(page)
    screenshot(page, "gallring")

    # A mistyped number: a Swedish message beside the field, what was typed stays.
    page.get_by_label("Personnummer eller samordningsnummer").fill("19780214-0000")
    page.get_by_label("Skäl till spärren").fill("Begäran om utlämnande, dnr 2026-0101")
    page.get_by_role("button", name="Lägg spärr").click()
    expect(page.get_by_text("Personnumret är inte giltigt")).to_be_visible()
    expect(page.get_by_label("Skäl till spärren")).to_have_value("Begäran om utlämnande, dnr 2026-0101")
    check_a11y(page)

    number = formatted(fake_personnummer(date(1978, 2, 14), 17))  # the demo's stay closed six years ago
    page.get_by_label("Personnummer eller samordningsnummer").fill(number)
    page.get_by_role("button", name="Lägg spärr").click()
    expect(page.get_by_text("Spärren är lagd.")).to_be_visible()
    expect(holds.get_by_role("row")).to_have_count(3)
    expect(stays.locator("td").last).to_have_text("0")  # the spärr keeps the stay
    check_a11y(page)

    holds.get_by_role("button", name=re.compile(r"Häv spärren för 19780214")).click()
    expect(page.get_by_text("Spärren är hävd.")).to_be_visible()
    expect(stays.locator("td").last).to_have_text("1")
    check_a11y(page)


def test_administrator_orders_and_downloads_a_registerutdrag(
    page: Page, demo, celery_worker, check_a11y, log_in, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "admin@ist.example")
    check_a11y(page)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Gallring").click()
    check_a11y(page)
    page.get_by_role("link", name="Registerutdrag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registerutdrag")
    check_a11y(page)

    page.get_by_label("Personnummer eller samordningsnummer").fill(formatted(fake_personnummer(date(1984, 9, 21), 14)))
    page.get_by_label("Ärende").fill("Brev från personen 2026-12-01, dnr 2026-0110")
    page.get_by_role("button", name="Skapa registerutdrag").click()
    expect(page.get_by_text("Registerutdraget skapas.")).to_be_visible()
    check_a11y(page)

    # The list polls while the worker builds; then the link is there.
    link = page.get_by_role("link", name=re.compile(r"Ladda ned PDF"))
    expect(link).to_be_visible(timeout=30_000)
    check_a11y(page)
    with page.expect_download() as download:
        link.click()
    assert re.fullmatch(r"registerutdrag-\d{6}\.pdf", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.reload()
    expect(page.get_by_role("table", name="Beställda registerutdrag")).to_contain_text("(1 gånger)")
    check_a11y(page)
