"""A referrer's impatient double click on "Skicka frågan" while the server is slow: the button is
disabled while the submit is in flight (static/js/submit-once.js), the question is asked once, and
the answer page is the question's own."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from referrals.models import ConsultativeQuestion

pytestmark = pytest.mark.browser


def test_the_submit_button_is_disabled_while_the_question_is_being_sent(page: Page, check_a11y, log_in) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    check_a11y(page)

    page.goto("/remisser/fragor/ny/")
    check_a11y(page)
    page.get_by_label("Team").select_option(label="IST Halmstad/Hylte")
    page.get_by_label("Fråga").fill("Kan en person med sjukersättning på halvtid få stöd av er?")

    held: list[Route] = []  # the POST waits here, as on a slow connection, until the test lets it go
    page.route(
        "**/remisser/fragor/ny/",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    button = page.get_by_role("button", name="Skicka frågan")
    button.click(no_wait_after=True)
    expect(button).to_be_disabled()
    expect(page.locator("form[aria-busy=true]")).to_have_count(1)
    button.click(force=True, no_wait_after=True)  # a second click on the disabled button sends nothing
    page.wait_for_timeout(300)
    assert len(held) == 1

    page.unroute("**/remisser/fragor/ny/")
    with page.expect_navigation():
        held[0].continue_()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konsultativ fråga")
    check_a11y(page)
    assert ConsultativeQuestion.objects.count() == 1
