"""Forgotten password: the link arrives by e-mail, sets a new password once, and the new password works."""

from __future__ import annotations

import re
import time

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

EMAIL = "handledare@ist.example"
NEW_PASSWORD = "Sommarhagen-Tylösand-2026"


def test_user_resets_a_forgotten_password_through_the_emailed_link(
    page: Page, live_server, mailoutbox: list[mail.EmailMessage], check_a11y, log_in, celery_worker, settings
) -> None:
    settings.IST_BASE_URL = live_server.url  # the worker writes links to the site in the e-mail
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    check_a11y(page)

    page.get_by_role("link", name="Glömt lösenordet?").click()

    expect(page).to_have_url(re.compile(r"/konto/password_reset/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Glömt lösenordet")
    check_a11y(page)
    page.get_by_label("E-post").fill(EMAIL)
    page.get_by_role("button", name="Skicka länken").click()

    expect(page).to_have_url(re.compile(r"/konto/password_reset/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolla din e-post")
    check_a11y(page)
    # The worker sends the e-mail (the request only queued it). It runs in this process, so the
    # locmem backend's outbox is this one.
    assert mailoutbox is mail.outbox
    deadline = time.monotonic() + 20
    while not mailoutbox and time.monotonic() < deadline:
        time.sleep(0.1)
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [EMAIL]
    assert message.subject == "Nytt lösenord till IST Halland"
    links = re.findall(r"^(http://\S+/konto/reset/\S+/\S+/)$", str(message.body), flags=re.MULTILINE)
    assert len(links) == 1, message.body
    link = links[0]
    assert link.startswith(f"{live_server.url}/"), link

    page.goto(link)

    # Django moves the token out of the URL into the session before showing the form.
    expect(page).to_have_url(re.compile(r"/konto/reset/[^/]+/set-password/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välj nytt lösenord")
    check_a11y(page)
    page.get_by_role("textbox", name="Nytt lösenord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Bekräfta nytt lösenord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Spara lösenordet").click()

    expect(page).to_have_url(re.compile(r"/konto/reset/done/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Lösenordet är bytt")
    check_a11y(page)

    page.get_by_role("link", name="Logga in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    check_a11y(page)
    log_in(page, EMAIL, NEW_PASSWORD)

    expect(page).to_have_url(re.compile(r"^http://[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Hanna")
    check_a11y(page)

    # The link works once.
    page.goto(link)

    expect(page.get_by_role("heading", level=1)).to_have_text("Välj nytt lösenord")
    expect(page.get_by_role("alert")).to_have_text(
        "Länken fungerar inte längre. Den kan redan ha använts eller vara för gammal."
    )
    expect(page.get_by_role("textbox", name="Nytt lösenord", exact=True)).to_have_count(0)
    check_a11y(page)
