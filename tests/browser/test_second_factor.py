"""The second factor in Chromium: a handledare enrols an authenticator app and logs in with it
again; a referrer registers a passkey with Chromium's virtual authenticator and logs in with it."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings as django_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def second_factor_on(settings) -> None:
    settings.IST_MFA_REQUIRED = True


def code_for(secret: str) -> str:
    """What an authenticator app shows now for this base32 secret (from the page, as a user would type it)."""
    from base64 import b32decode

    clock = TOTP(b32decode(secret), 30, 0, 6, 0)
    clock.time = time.time()
    return f"{clock.token():06d}"


def next_unspent_code(email: str) -> str:
    """The code a user would wait for after enrolling: the one of a later 30-second step than the
    code spent, inside the window the server accepts now. django-otp keeps the spent step
    (`last_t`) and, when the enrolling code matched a step beside the server's, adopts that
    offset as the app's `drift`; the window is then the server's step + drift, ± 1. Taking the
    window's middle (or the first step after the spent one, if later) is accepted wherever the
    second ticks over between here and the server; "the next step" without the drift is not
    (CI once enrolled at hh:mm:29.9 with drift -1, and the code two steps ahead was refused)."""
    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time()
    step = max(device.last_t + 1, clock.t())
    clock.time = device.t0 + (step - device.drift) * device.step
    return f"{clock.token():06d}"


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Logga ut").click()


def test_handledare_enrols_an_authenticator_app_and_logs_in_with_it_again(page: Page, check_a11y, log_in) -> None:
    page.goto("/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")

    expect(page.get_by_role("heading", level=1)).to_have_text("Skydda ditt konto med tvåstegsverifiering")
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_have_count(0)
    check_a11y(page)
    page.get_by_role("link", name="Använd en autentiseringsapp").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Koppla en autentiseringsapp")
    expect(page.get_by_role("img", name=re.compile("QR-kod"))).to_be_visible()
    check_a11y(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Kod från appen").fill("000000")
    page.get_by_role("button", name="Koppla appen").click()
    expect(page.get_by_text("Koden stämmer inte.")).to_be_visible()
    check_a11y(page)
    time.sleep(1.1)  # django-otp makes the next try after a wrong code wait a second
    page.get_by_label("Kod från appen").fill(code_for(secret))
    page.get_by_role("button", name="Koppla appen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reservkoder")
    expect(page.get_by_role("list", name="Dina reservkoder").get_by_role("listitem")).to_have_count(10)
    check_a11y(page)
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Hanna")
    check_a11y(page)
    log_out(page)
    check_a11y(page)

    log_in(page, "handledare@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    check_a11y(page)
    # the one used to enrol is spent: a later code, as the app shows one 30 seconds on
    page.get_by_label("Kod").fill(next_unspent_code("handledare@ist.example"))
    page.get_by_role("button", name="Fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Hanna")
    check_a11y(page)

    page.get_by_role("link", name="Tvåstegsverifiering").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    expect(page.get_by_text("Du har 10 oanvända reservkoder.")).to_be_visible()
    check_a11y(page)
    assert TOTPDevice.objects.filter(user__email="handledare@ist.example", confirmed=True).count() == 1


def add_virtual_authenticator(page: Page) -> None:
    """Chromium's virtual authenticator (DevTools protocol): a platform passkey that says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_referrer_registers_a_passkey_and_logs_in_with_it(page: Page, check_a11y, log_in) -> None:
    add_virtual_authenticator(page)
    page.goto("/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")

    expect(page.get_by_role("heading", level=1)).to_have_text("Skydda ditt konto med tvåstegsverifiering")
    check_a11y(page)
    page.get_by_role("link", name="Använd en passkey eller säkerhetsnyckel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Koppla en passkey eller säkerhetsnyckel")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Koppla passkey eller säkerhetsnyckel").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reservkoder")
    check_a11y(page)
    assert WebAuthnCredential.objects.filter(user__email="remittent.fk@ist.example", confirmed=True).count() == 1
    page.get_by_role("link", name="Jag har sparat koderna – fortsätt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Frida")
    check_a11y(page)
    log_out(page)
    check_a11y(page)

    log_in(page, "remittent.fk@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tvåstegsverifiering")
    check_a11y(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Använd passkey eller säkerhetsnyckel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Frida")
    check_a11y(page)
    page.goto("/remisser/mina/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina remisser")
    check_a11y(page)


def test_the_idle_warning_appears_and_fortsatt_keeps_the_session(page: Page, check_a11y, log_in, settings) -> None:
    settings.IST_MFA_REQUIRED = False  # this journey is about the session, not the second factor
    settings.SESSION_COOKIE_AGE = 6  # warn after 3 s instead of 28 minutes
    settings.IST_SESSION_WARNING_SECONDS = 3
    assert django_settings.SESSION_COOKIE_AGE == 6
    page.goto("/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Hanna")
    warning = page.get_by_role("alertdialog")
    expect(warning).to_be_hidden()
    check_a11y(page)

    expect(warning).to_be_visible(timeout=6_000)
    expect(warning).to_contain_text("Du loggas ut om 1 minut")
    continue_button = page.get_by_role("button", name="Fortsätt arbeta")
    expect(continue_button).to_be_focused()
    check_a11y(page)
    with page.expect_response(lambda r: "/konto/session/" in r.url) as kept:
        continue_button.click()
    assert kept.value.status == 204
    expect(warning).to_be_hidden()

    time.sleep(4)  # past the first limit: the keep-alive renewed it
    with page.expect_response(lambda r: "/konto/session/" in r.url) as again:
        page.get_by_role("button", name="Fortsätt arbeta").click()
    assert again.value.status == 204
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Hanna")
    check_a11y(page)
