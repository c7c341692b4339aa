"""New work announced (issue 18, point 5): a coordinator chooses e-mail at once, a referrer sends a
referral, and the coordinator finds it counted on the start page and first in "Att göra"."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from ist.reminders.announce import NEW_WORK_EMAIL
from ist.reminders.models import EmailTiming, Kind, Notification
from teams.models import User
from tests.referrals import builders

pytestmark = pytest.mark.browser


def test_coordinator_is_told_at_once_of_a_new_referral(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")

    # The coordinator chooses "direkt" on their e-mail settings.
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.goto("/att-gora/installningar/")
    expect(page.get_by_role("heading", level=1)).to_have_text("E-post om påminnelser")
    check_a11y(page)
    timing = page.get_by_role("group", name="E-post om ny remiss, kompletterad remiss och ny konsultativ fråga")
    expect(timing.get_by_label("I den dagliga sammanfattningen")).to_be_checked()  # the default
    timing.get_by_label("Direkt, ett e-postmeddelande per remiss eller fråga").check()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Dina val för e-post är sparade")
    check_a11y(page)
    assert EmailTiming.objects.get(user=coordinator).new_work == EmailTiming.When.AT_ONCE
    page.context.clear_cookies()

    # A referrer sends the referral they drafted.
    draft = builders.draft(referrer, first_name="Nora", last_name="Nyberg")
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    check_a11y(page)
    page.goto(f"/remisser/{draft.pk}/andra/")
    check_a11y(page)
    page.get_by_role("button", name="Skicka remissen", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Remiss {draft.pk}")
    check_a11y(page)
    page.context.clear_cookies()

    # The item is there at once, and its e-mail is in the outbox, once, for the one who chose "direkt".
    item = Notification.objects.get(recipient=coordinator, kind=Kind.NEW_REFERRAL, subject_id=draft.pk)
    assert (NEW_WORK_EMAIL, item.pk) in notifications_sent
    assert [row for row in notifications_sent if row[0] == NEW_WORK_EMAIL] == [(NEW_WORK_EMAIL, item.pk)]

    # The coordinator's start page counts it; "Att göra" has it first, naming the team.
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    waiting = page.get_by_role("list", name="Väntar på dig")
    expect(waiting).to_contain_text("1 ny remiss")
    expect(waiting).to_contain_text("0 kompletterade remisser")
    check_a11y(page)
    screenshot(page, "start-vantar-pa-dig")
    page.goto("/att-gora/")
    first = page.locator(".todo-item").first
    expect(first).to_contain_text("Ny remiss")
    expect(first).to_contain_text(f"Remiss {draft.pk} (NN)")
    expect(first.locator(".todo-team")).to_have_text(item.team.name if item.team else "")
    expect(page.get_by_text("Nyberg")).to_have_count(0)  # initials only
    check_a11y(page)
    screenshot(page, "att-gora-ny-remiss")
