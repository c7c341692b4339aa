"""A coordinator enrols a person whose information meeting ended in "wants to start" and lands on
the participant page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ist import personnummer
from participants import rules, services
from participants.models import ActivityKind, Enrollment
from teams.models import User
from tests.participants import builders

pytestmark = pytest.mark.browser


def test_coordinator_enrols_a_ready_referral_and_opens_the_participant_page(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    ready = builders.ready_referral(referrer, coordinator, first_name="Doris", last_name="Dahlberg")
    identity = personnummer.parse(ready.personnummer)
    start = timezone.localdate() - timedelta(days=21)

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    # Att skriva in: the ready referral, masked.
    page.goto("/deltagare/att-skriva-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att skriva in")
    row = page.get_by_role("row").filter(has_text="Doris Dahlberg")
    expect(row).to_contain_text(ready.personnummer_masked)
    expect(row).not_to_contain_text(ready.personnummer)
    check_a11y(page)
    row.get_by_role("link", name="Skriv in Doris Dahlberg").click()

    # The form: derived facts, updated in place (htmx) when the start date changes.
    expect(page.get_by_role("heading", level=1)).to_have_text("Skriv in Doris Dahlberg")
    derived = page.locator("#derived")
    expect(derived).to_contain_text(str(identity.birth_date.year))
    expect(derived).to_contain_text("Man" if identity.male else "Kvinna")
    check_a11y(page)
    page.get_by_label("Startdatum").fill(start.isoformat())
    target = rules.target_end(start, identity.age_on(start))
    expect(page.locator("#derived")).to_contain_text(target.isoformat())
    page.get_by_label("Ansvarig handledare").select_option(label=handledare.get_full_name())
    page.get_by_label("Andra kontaktperson").select_option(label="Hassan Olsson")
    check_a11y(page)
    page.get_by_role("button", name="Skriv in").click()

    # The participant page.
    expect(page.get_by_role("heading", level=1)).to_have_text("Doris Dahlberg")
    expect(page).to_have_url(re.compile(r"/deltagare/\d+/$"))
    expect(page.locator(".messages[role=status]")).to_contain_text("är inskriven och börjar i Prova på")
    expect(page.locator(".current-phase")).to_contain_text("Prova på")
    expect(page.get_by_role("region", name="Kontakter")).to_contain_text(handledare.get_full_name())
    expect(page.get_by_role("region", name="Kontakter")).to_contain_text("Hassan Olsson")
    check_a11y(page)
    enrollment = Enrollment.objects.get(referral=ready)
    assert enrollment.responsible == handledare
    assert enrollment.start_date == start
    assert enrollment.target_end == target
    assert ("enrolled", enrollment.pk) in notifications_sent

    # A few weeks of activities, then the page as the team sees it.
    today = timezone.localdate()
    logged = [
        (ActivityKind.TALK, 20, "present", "Första samtalet: mål och förväntningar"),
        (ActivityKind.PHYSICAL, 18, "present", "Promenad, 5 km"),
        (ActivityKind.PHYSICAL, 12, "excused", "Förkyld"),
        (ActivityKind.TALK, 11, "present", "Uppföljning av veckan"),
        (ActivityKind.PHYSICAL, 5, "present", "Gym med gruppen"),
        (ActivityKind.TALK, 4, "present", ""),
        (ActivityKind.PHYSICAL, 1, "present", "Simning"),
    ]
    for kind, days_ago, attendance, note in logged:
        day = max(start, today - timedelta(days=days_ago))
        services.activity_log(
            enrollment=enrollment,
            kind=kind,
            day=day,
            attendance=attendance,
            duration_minutes=60,
            note=note,
            by=handledare,
        )
    page.reload()
    expect(page.get_by_role("region", name=re.compile("Aktiviteter"))).to_contain_text("Gym med gruppen")
    expect(page.get_by_role("img", name=re.compile("Uppfyllda faskrav per vecka"))).to_be_visible()
    expect(page.get_by_role("table", name="Uppfyllda faskrav per vecka")).to_be_visible()
    check_a11y(page)
    screenshot(page, "deltagarsida")
