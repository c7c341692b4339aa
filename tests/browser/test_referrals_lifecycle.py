"""The referral's life cycle seen by the referrer (issue 18, points 1 and 8): they withdraw a referral
before the team decides, and they follow an enrolled one as Inskriven, with its start date and
handledare, after filtering Mina remisser."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from referrals.models import Referral
from teams.models import User
from tests.participants import builders as participant_builders
from tests.referrals import builders

pytestmark = pytest.mark.browser

REFERRER = "remittent.fk@ist.example"


def test_referrer_withdraws_a_referral_before_the_decision(page: Page, check_a11y, log_in) -> None:
    referrer = User.objects.get(email=REFERRER)
    referral = builders.submitted(referrer, first_name="Wilma", last_name="Återtagsson")
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, REFERRER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    check_a11y(page)
    page.goto(f"/remisser/{referral.pk}/")
    check_a11y(page)
    page.get_by_role("link", name="Återta remissen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Återta remiss {referral.pk}")
    check_a11y(page)

    # No reason: the form says so beside the field, and nothing is withdrawn.
    page.get_by_role("button", name="Ja, återta remissen").click()
    expect(page.get_by_role("alert")).to_contain_text("Skriv varför remissen återtas.")
    check_a11y(page)
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.SUBMITTED

    page.get_by_label("Varför återtar du remissen?").fill("Personen har fått en plats hos Arbetsförmedlingen.")
    page.get_by_role("button", name="Ja, återta remissen").click()
    expect(page.get_by_text("Remissen är återtagen. Teamets koordinatorer har fått besked.")).to_be_visible()
    withdrawn = page.get_by_role("region", name="Remissen är återtagen")
    expect(withdrawn).to_contain_text("Inremittenten återtog remissen")
    expect(withdrawn).to_contain_text("Personen har fått en plats hos Arbetsförmedlingen.")
    expect(page.get_by_role("link", name="Återta remissen")).to_have_count(0)
    check_a11y(page)
    assert Referral.objects.get(pk=referral.pk).status == Referral.Status.WITHDRAWN


def test_referrer_filters_mina_remisser_and_sees_an_enrolled_referral(page: Page, check_a11y, log_in) -> None:
    referrer = User.objects.get(email=REFERRER)
    coordinator = User.objects.get(email="koordinator@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    start = timezone.localdate() - timedelta(days=14)
    enrollment = participant_builders.enrolled(
        referrer, coordinator, handledare, start=start, first_name="Ingrid", last_name="Inskrivensson"
    )
    builders.submitted(referrer, first_name="Vera", last_name="Väntarsson")
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, REFERRER)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Välkommen")
    check_a11y(page)
    page.goto("/remisser/mina/")
    check_a11y(page)

    page.get_by_label("Status").select_option(label="Inskriven")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("row", name=re.compile("Väntarsson"))).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("Inskrivensson"))
    expect(row).to_contain_text("Inskriven")
    check_a11y(page)

    page.get_by_label("Status").select_option(label="Alla")
    page.get_by_label("Sök på namn").fill("Väntarsson")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("row", name=re.compile("Väntarsson"))).to_contain_text("Inkommen")
    expect(page.get_by_role("row", name=re.compile("Inskrivensson"))).to_have_count(0)
    check_a11y(page)

    page.get_by_label("Sök på namn").fill("Inskrivensson")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("row", name=re.compile("Väntarsson"))).to_have_count(0)
    check_a11y(page)
    page.get_by_role("row", name=re.compile("Inskrivensson")).get_by_role("link").first.click()
    expect(page.locator(".lead")).to_contain_text("Inskriven")
    decision = page.get_by_role("region", name="Teamets beslut")
    expect(decision).to_contain_text("Personen är inskriven i IST.")
    stay = page.get_by_role("region", name="Inskrivning")
    expect(stay).to_contain_text(f"{start:%Y-%m-%d}")
    expect(stay).to_contain_text(handledare.get_full_name())
    expect(page.get_by_text("Du är välkommen att delta i informationsmötet")).to_have_count(0)
    check_a11y(page)

    stay.get_by_role("link", name=re.compile("Deltagarsidan")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingrid Inskrivensson")
    expect(page).to_have_url(re.compile(f"/deltagare/{enrollment.pk}/$"))
    check_a11y(page)
