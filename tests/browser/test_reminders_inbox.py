"""A handledare sees the count in the header, opens "Att göra", does the work of one item (the next
sweep resolves it) and marks another done."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from ist.reminders import sweeps
from ist.reminders.models import Kind, Notification, NotificationPreference
from participants import services
from participants.inputs import ClosureFields
from participants.models import ExitReason
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders

pytestmark = pytest.mark.browser


@pytest.fixture
def due(page: Page, notifications_sent) -> dict[str, object]:
    """A participant closed 200 days ago (the 6-month follow-up is due) and one whose inriktningstid
    ends within 30 days, both with handledare@ist.example responsible; the sweep has run."""
    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    today = timezone.localdate()
    closed = builders.enrolled(
        referrer, coordinator, handledare, start=today - timedelta(days=400), first_name="Greta", last_name="Grönberg"
    )
    services.close(
        enrollment=closed,
        by=coordinator,
        values=ClosureFields(date=today - timedelta(days=200), reason=ExitReason.objects.get(code="arbete")),
    )
    ending = builders.enrolled(referrer, coordinator, handledare, first_name="Olle", last_name="Ljung")
    ending.target_end = today + timedelta(days=20)
    ending.save(update_fields=["target_end"])
    sweeps.sweep_all()
    return {"handledare": handledare, "closed": closed, "ending": ending}


def test_handledare_sees_the_inbox_and_completes_items(page: Page, check_a11y, log_in, screenshot, due):
    handledare = due["handledare"]
    open_before = Notification.objects.filter(recipient=handledare, state="open").count()
    assert Notification.objects.filter(recipient=handledare, kind=Kind.FOLLOW_UP_DUE).exists()
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    todo = page.get_by_role("link", name="Att göra")
    expect(todo.locator(".todo-count")).to_have_text(f"{open_before} öppna")  # loaded by htmx
    check_a11y(page)

    todo.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    follow_up = page.get_by_role("link", name="Uppföljning 6 månader efter avslut för GG", exact=False)
    expect(follow_up).to_be_visible()
    expect(page.get_by_role("link", name="Inriktningstiden för OL slutar", exact=False)).to_be_visible()
    expect(page.get_by_text("Grönberg")).to_have_count(0)  # initials only
    check_a11y(page)
    screenshot(page, "att-gora")

    # The work itself: record the follow-up where it is done; the next sweep resolves the item.
    follow_up.click()
    check_a11y(page)
    page.get_by_label("Arbete").check()
    page.get_by_role("button", name="Registrera uppföljningen").click()
    expect(page.get_by_role("status")).to_contain_text("Uppföljningen är registrerad")
    check_a11y(page)
    sweeps.sweep("journey")  # what beat runs every hour
    page.goto("/att-gora/")
    expect(page.get_by_role("link", name="Uppföljning 6 månader efter avslut för GG", exact=False)).to_have_count(0)
    check_a11y(page)

    # Mark the inriktningstid reminder done from the inbox.
    page.get_by_role("button", name=re.compile(r"^Klar\W+Inriktningstiden för OL")).click()
    expect(page.get_by_role("status")).to_contain_text("Klar: Inriktningstiden för OL")
    expect(page.get_by_role("link", name="Inriktningstiden för OL slutar", exact=False)).to_have_count(0)
    check_a11y(page)
    item = Notification.objects.get(recipient=handledare, kind=Kind.INRIKTNINGSTID_ENDING)
    assert item.state == Notification.State.DONE
    expect(page.get_by_role("link", name="Att göra").locator(".todo-count")).to_have_text(f"{open_before - 2} öppna")

    # Fewer e-mails: the weekly-log reminders stay under "Att göra" only.
    page.get_by_role("link", name="E-post om påminnelser").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("E-post om påminnelser")
    check_a11y(page)
    page.get_by_label("Veckologg saknas").uncheck()
    page.get_by_role("button", name="Spara").click()
    expect(page.get_by_role("status")).to_contain_text("Dina val för e-post är sparade")
    expect(page.get_by_label("Veckologg saknas")).not_to_be_checked()
    expect(page.get_by_label("Uppföljning efter avslut")).to_be_checked()
    check_a11y(page)
    assert list(NotificationPreference.objects.filter(user=handledare).values_list("kind", flat=True)) == [
        Kind.WEEK_LOG_MISSING
    ]
