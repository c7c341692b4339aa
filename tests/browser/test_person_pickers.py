"""Search-as-you-type person pickers (ist/pickers.py): a handledare adds a contact on the participant
page with the keyboard only; a coordinator filters Loggkontroll by a user she finds by typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from participants.documents.models import Contact
from participants.models import Enrollment
from teams.models import User
from tests.databases import seed_reference_data
from tests.participants import builders

pytestmark = pytest.mark.browser


@pytest.fixture
def enrollment(page: Page, notifications_sent) -> Enrollment:
    seed_reference_data()  # phase requirements, activity kinds, value lists (idempotent)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    return builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")


def test_handledare_adds_a_contact_with_the_keyboard(page: Page, check_a11y, log_in, enrollment) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)

    form = page.locator("form.contact-form")
    expect(form.locator("select")).to_have_count(0)  # no list of every referrer
    search = form.get_by_label("Person")
    search.focus()
    search.press_sequentially("kim", delay=30)
    matches = form.get_by_role("radio")
    expect(matches).to_have_count(1)
    expect(form.get_by_role("status")).to_have_text("1 träff")
    check_a11y(page)  # the list as htmx put it there

    search.press("ArrowDown")  # into the list: the match is chosen and has the focus
    kim = form.get_by_role("radio", name=re.compile("Kim Johansson"))
    expect(kim).to_be_focused()
    expect(kim).to_be_checked()
    page.keyboard.press("Escape")  # back to the search box
    expect(search).to_be_focused()
    search.press("ArrowDown")
    expect(kim).to_be_focused()
    page.keyboard.press("Tab")
    expect(form.get_by_label("Roll")).to_be_focused()
    page.keyboard.type("Socialsekreterare")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Kim Johansson lades till som kontakt.")).to_be_visible()
    check_a11y(page)
    contact = Contact.objects.get(enrollment=enrollment)
    assert (contact.user.email, contact.role) == ("remittent.kommun@ist.example", "Socialsekreterare")


def test_coordinator_filters_loggkontroll_by_a_user_found_by_typing(page: Page, check_a11y, log_in) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.goto("/logg/")
    check_a11y(page)

    search = page.get_by_role("searchbox", name="Användare")
    search.press_sequentially("hanna", delay=30)
    hanna = page.get_by_role("radio", name=re.compile("Hanna Handledare"))
    expect(hanna).to_be_visible()
    expect(page.get_by_role("radio", name="Alla användare")).to_be_checked()
    check_a11y(page)
    search.press("ArrowDown")
    expect(hanna).to_be_focused()
    expect(hanna).to_be_checked()
    page.keyboard.press("Enter")  # a radio sends its form

    hanna_pk = User.objects.get(email="handledare@ist.example").pk
    expect(page).to_have_url(re.compile(rf"/logg/\?.*actor={hanna_pk}"))
    expect(page.get_by_role("radio", name=re.compile("Hanna Handledare"))).to_be_checked()  # the choice stays
    check_a11y(page)
