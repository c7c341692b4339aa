"""Loggkontroll: a coordinator reviews who read or changed the data of a person in her teams."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from playwright.sync_api import Page, expect

from teams.models import Team, User

pytestmark = pytest.mark.browser


def test_coordinator_filters_the_log_by_a_persons_name(page: Page, check_a11y, log_in, screenshot) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Välkommen, Karin")
    check_a11y(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Loggkontroll").click()

    expect(page).to_have_url(re.compile(r"/logg/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Loggkontroll")
    expect(page.get_by_role("link", name="Loggkontroll")).to_have_attribute("aria-current", "page")
    check_a11y(page)

    page.get_by_label("Person").fill("Hanna Handledare")
    page.get_by_role("button", name="Visa").click()

    expect(page).to_have_url(re.compile(r"/logg/\?.*person=Hanna\+Handledare"))
    people = page.get_by_role("region", name="Personer som matchar")
    expect(people.get_by_role("listitem")).to_have_text(
        ["Hanna Handledare (handledare@ist.example) – Loggutdrag (CSV)"]
    )
    expect(people.get_by_role("link", name="Loggutdrag (CSV)")).to_have_attribute(
        "href", re.compile(r"^/logg/utdrag/\?person=user%3A\d+$")
    )
    expect(page.get_by_role("heading", level=2, name="Händelser")).to_be_visible()
    rows = page.get_by_role("table", name="Logghändelser, nyast först").locator("tbody tr")
    expect(rows.first).to_be_visible()
    # Every row is about Hanna (her user record or her role in IST Halmstad/Hylte), none about anyone else.
    for text in rows.all_inner_texts():
        assert "Hanna Handledare" in text, text
    expect(rows.filter(has_text="Hanna Handledare – Handledare, IST Halmstad/Hylte")).not_to_have_count(0)
    check_a11y(page)
    screenshot(page, "loggkontroll")

    # The whole log pages by keyset, "Äldre" and back "Nyare", from the keyboard (issue 16): more
    # than a page of reads by Hanna in Halmstad/Hylte.
    hanna = User.objects.get(email="handledare@ist.example")
    team = Team.objects.get(slug="halmstad-hylte")
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=ContentType.objects.get_for_model(Team),
            object_pk=str(team.pk),
            object_repr=f"Läsning {n}",
            action=LogEntry.Action.ACCESS,
            changes_text="",
            actor=hanna,
            actor_email=hanna.email,
            additional_data={"team": team.pk},
        )
        for n in range(60)
    )
    page.get_by_role("link", name="Rensa filter").click()
    expect(page).to_have_url(re.compile(r"/logg/$"))
    expect(page.get_by_role("link", name="Nyare")).to_have_count(0)
    check_a11y(page)
    newest = rows.first.inner_text()
    page.get_by_role("navigation", name="Sidor").get_by_role("link", name="Äldre").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/logg/\?aldre=\d+-\d+$"))
    expect(rows.first).not_to_have_text(newest)
    check_a11y(page)
    page.get_by_role("navigation", name="Sidor").get_by_role("link", name="Nyare").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/logg/\?nyare=\d+-\d+$"))
    # A full page again, with an older one after it (the log has grown by our own openings of it
    # meanwhile, so there may be a newer one too: a live log, not a fixed list).
    expect(rows).to_have_count(50)
    expect(page.get_by_role("navigation", name="Sidor").get_by_role("link", name="Äldre")).to_be_visible()
    check_a11y(page)
