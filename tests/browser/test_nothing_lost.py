"""Nothing typed is lost: the referral form saves its draft as the referrer types, and a form sent
after the session ended comes back, after logging in again, with what was typed."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone
from playwright.sync_api import Page, expect

from referrals.models import Referral

pytestmark = pytest.mark.browser

EMAIL = "remittent.fk@ist.example"
BACKGROUND = "Sjukskriven sedan 2022. En lång bakgrund som tog en halvtimme att skriva, med å, ä och ö."


def test_a_referral_typed_past_the_idle_limit_is_not_lost(page: Page, check_a11y, log_in) -> None:
    page.goto("/remisser/ny/")
    check_a11y(page)
    log_in(page, EMAIL)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ny remiss")
    check_a11y(page)

    page.get_by_label("Förnamn").fill("Åsa")
    page.get_by_label("Bakgrund").fill(BACKGROUND)
    expect(page.locator("#autosave-status")).to_contain_text("Utkastet sparat")
    drafts = Referral.objects.filter(referrer__email=EMAIL, status=Referral.Status.DRAFT, background=BACKGROUND)
    deadline = time.monotonic() + 5
    while not drafts.exists() and time.monotonic() < deadline:  # the save of both fields may be the second
        time.sleep(0.1)
    draft = drafts.get()
    check_a11y(page)

    page.get_by_label("Vad personen vill").press_sequentially("Arbete inom handeln.", delay=0)
    # The session ends before the autosave of the last words (as if 30 minutes had passed).
    Session.objects.all().update(expire_date=timezone.now() - timedelta(seconds=1))
    page.get_by_role("button", name="Spara utkast").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_text("Det du skrev är sparat")).to_be_visible()
    check_a11y(page)
    log_in(page, EMAIL)

    expect(page.get_by_role("heading", level=1)).to_have_text("Det du skrev finns kvar")
    check_a11y(page)
    page.get_by_role("button", name="Skicka formuläret").click()

    expect(page).to_have_url(re.compile(rf"/remisser/{draft.pk}/andra/$"))
    expect(page.get_by_text("Utkastet är sparat.")).to_be_visible()
    expect(page.get_by_label("Vad personen vill")).to_have_value("Arbete inom handeln.")
    expect(page.get_by_label("Bakgrund")).to_have_value(BACKGROUND)
    check_a11y(page)
    assert Referral.objects.filter(referrer__email=EMAIL).count() == 1
