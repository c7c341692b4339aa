"""A coordinator runs a samverkansteam meeting: attendance, decisions, minutes, information meeting."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from referrals import emails
from referrals.models import Referral
from teams.models import User
from tests.referrals import builders

pytestmark = pytest.mark.browser


def test_coordinator_holds_a_meeting_and_books_the_information_meeting(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    first = builders.submitted(referrer, first_name="Alva", last_name="Andersson")
    second = builders.submitted(referrer, first_name="Bertil", last_name="Berg", municipality="Hylte")
    meeting = builders.meeting(coordinator)
    builders.on_agenda(first, meeting, coordinator)
    builders.on_agenda(second, meeting, coordinator)

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    # Möten: the upcoming meeting with its two agenda items.
    page.goto("/remisser/moten/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Samverkansteamsmöten")
    check_a11y(page)
    row = page.get_by_role("row").filter(has_text=meeting.date.isoformat())
    expect(row.get_by_role("cell").last).to_have_text("2")
    row.get_by_role("link", name=meeting.date.isoformat()).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Samverkansteamsmöte {meeting.date:%Y-%m-%d}")
    items = page.locator(".agenda-item")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text(first.personnummer_masked)
    expect(items.first).not_to_contain_text(first.personnummer)
    check_a11y(page)
    screenshot(page, "samverkansteam-mote")

    # Attendance: one per organisation.
    for n, (kind, name) in enumerate(
        [("kommun", "Per Lund"), ("af", "Ali Hussein"), ("fk", "Sara Samverkan"), ("region", "Maria Holm")], start=1
    ):
        row = page.get_by_role("group", name=f"Deltagare {n}")
        row.get_by_label("Part").select_option(kind)
        row.get_by_label("Namn").fill(name)
    page.get_by_role("button", name="Spara närvaro").click()
    expect(page.get_by_role("status")).to_contain_text("Närvaron är sparad.")
    expect(page.get_by_role("group", name="Deltagare 4").get_by_label("Namn")).to_have_value("Maria Holm")
    check_a11y(page)

    # Decisions, in place (htmx): accept the first, reject the second (first without reasoning).
    accept_item = page.locator(".agenda-item").filter(has_text="Alva Andersson")
    accept_item.get_by_label("Antas – informationsmöte erbjuds").check()
    accept_item.get_by_label("Motivering").fill("I målgruppen: FK och kommunen, lång tid utanför.")
    accept_item.get_by_role("button", name="Registrera beslut").click()
    expect(accept_item).to_contain_text("Beslut: Antas – informationsmöte erbjuds")
    expect(accept_item.get_by_role("link", name="Boka informationsmöte")).to_be_visible()

    reject_item = page.locator(".agenda-item").filter(has_text="Bertil Berg")
    reject_item.get_by_label("Avslås").check()
    reject_item.get_by_role("button", name="Registrera beslut").click()
    expect(reject_item.locator(".errorlist")).to_contain_text("Skriv motiveringen")
    expect(reject_item.get_by_label("Avslås")).to_be_checked()
    check_a11y(page)
    reject_item.get_by_label("Motivering").fill("Annan planering gäller först.")
    reject_item.get_by_role("button", name="Registrera beslut").click()
    expect(reject_item).to_contain_text("Beslut: Avslås")
    expect(reject_item).to_contain_text("Annan planering gäller först.")
    check_a11y(page)

    # The minutes.
    page.get_by_role("link", name="Protokoll").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Protokoll, samverkansteamsmöte {meeting.date:%Y-%m-%d}")
    expect(page.locator(".attendance-list")).to_contain_text("Region Halland")
    expect(page.locator(".attendance-list")).to_contain_text("Maria Holm")
    expect(page.locator(".minutes-items")).to_contain_text("I målgruppen: FK och kommunen, lång tid utanför.")
    expect(page.locator(".minutes-items")).to_contain_text("Annan planering gäller först.")
    check_a11y(page)

    # The information meeting for the accepted referral.
    page.get_by_role("link", name="Tillbaka till mötet").click()
    check_a11y(page)
    page.locator(".agenda-item").filter(has_text="Alva Andersson").get_by_role(
        "link", name="Boka informationsmöte"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boka informationsmöte")
    check_a11y(page)
    # Held today, so its outcome can be recorded now (not before the meeting's day: test_letters.py).
    day = timezone.localdate()
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tid").fill("10:00")
    page.get_by_label("Plats").fill("IST-kontoret, Halmstad")
    page.get_by_label("Karin Koordinator").check()
    page.get_by_role("button", name="Boka").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Informationsmöte {day:%Y-%m-%d}")
    expect(page.get_by_role("status")).to_contain_text("Informationsmötet är bokat.")
    check_a11y(page)
    page.get_by_label("Vill börja").check()
    page.get_by_role("button", name="Registrera utfall").click()
    expect(page.get_by_role("status")).to_contain_text("Utfallet är registrerat.")
    expect(page.get_by_role("region", name="Utfall")).to_contain_text("Vill börja")
    expect(page.get_by_role("button", name="Registrera utfall")).to_have_count(0)
    check_a11y(page)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Referral.Status.READY
    assert second.status == Referral.Status.REJECTED
    assert re.search(r"/remisser/informationsmote/\d+/$", page.url)
    booked = first.information_meetings.get()
    assert notifications_sent == [
        (emails.MEETING_BOOKED, meeting.pk),  # the samverkansteam is told of the new meeting, with an invite
        (emails.DECIDED, first.pk),
        (emails.DECIDED, second.pk),
        (emails.INFO_MEETING_BOOKED, booked.pk),
    ]
