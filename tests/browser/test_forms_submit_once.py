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
    # Clicked twice from inside the page: Playwright's own click would wait for the held navigation.
    state = page.evaluate(
        """() => new Promise((resolve) => {
            const button = document.querySelector("main form button[type=submit]");
            button.click();
            setTimeout(() => {
                const first = {disabled: button.disabled, busy: button.form.getAttribute("aria-busy")};
                button.click();  // the impatient second click, on the disabled button
                setTimeout(() => resolve(first), 100);
            }, 100);
        })"""
    )
    assert state == {"disabled": True, "busy": "true"}
    page.wait_for_timeout(300)
    assert len(held) == 1  # one POST left the browser

    with page.expect_navigation():
        held[0].continue_()
    page.unroute("**/remisser/fragor/ny/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Konsultativ fråga")
    check_a11y(page)
    assert ConsultativeQuestion.objects.count() == 1
