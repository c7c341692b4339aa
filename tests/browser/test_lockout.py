"""Too many wrong passwords lock the account, in Swedish, and then even the right password is refused."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from playwright.sync_api import Page, expect

from teams.demo import DEMO_PASSWORD
from teams.forms import LoginForm

pytestmark = pytest.mark.browser

EMAIL = "handledare@ist.example"
WRONG_PASSWORD = "fel-losenord-1"
LOCKED = "Kontot är tillfälligt låst"


def test_five_wrong_passwords_lock_the_account(page: Page, check_a11y, log_in) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5
    page.goto("/konto/login/")
    check_a11y(page)

    for attempt in range(1, limit):
        log_in(page, EMAIL, WRONG_PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
        expect(page.get_by_role("alert")).to_have_text(str(LoginForm.error_messages["invalid_login"]))
        expect(page.get_by_label("E-post")).to_have_value(EMAIL)
        expect(page.get_by_label("Lösenord")).to_have_value("")
        check_a11y(page)
        assert AccessAttempt.objects.get(username=EMAIL).failures_since_start == attempt

    log_in(page, EMAIL, WRONG_PASSWORD)

    expect(page.get_by_role("heading", level=1)).to_have_text(LOCKED)
    expect(page).to_have_title(f"{LOCKED} – IST Halland")
    expect(page.get_by_role("alert")).to_contain_text("För många misslyckade inloggningsförsök.")
    expect(page.get_by_role("link", name="Återställ lösenordet")).to_have_attribute("href", "/konto/password_reset/")
    check_a11y(page)
    assert AccessAttempt.objects.get(username=EMAIL).failures_since_start == limit

    page.goto("/konto/login/")
    check_a11y(page)
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        log_in(page, EMAIL, DEMO_PASSWORD)

    assert refused.value.status == 429
    expect(page.get_by_role("heading", level=1)).to_have_text(LOCKED)
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    check_a11y(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/konto/login/\?next=/$"))
    check_a11y(page)
    # Axes refused the right password without checking it, and counted the attempt.
    assert AccessAttempt.objects.get(username=EMAIL).failures_since_start == limit + 1
