"""A coordinator runs a samverkansteam meeting as teams do (issue 18): puts an enrolment on the agenda
with the person picker, reorders with the keyboard buttons, records attendance from the registered
members and the decisions on the day (an extension among them), approves the minutes and downloads the
archived PDF."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from participants.models import Enrollment, Extension
from referrals import meetings, services
from referrals.models import TeamMeeting
from teams.models import User
from tests.databases import seed_reference_data
from tests.participants import builders as participant_builders
from tests.referrals import builders

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(page: Page, notifications_sent) -> TeamMeeting:
    """Today's meeting of the coordinator's team with two questions on its agenda, and an enrolment."""
    seed_reference_data()  # phase requirements, activity kinds, value lists (idempotent)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    participant_builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")
    today = builders.meeting(coordinator)
    for text in ("Kan teamet ta emot en person med hel sjukersättning?", "Finns plats i Prova på i vår?"):
        services.agenda_add(meeting=today, question=builders.question(referrer, question=text), by=coordinator)
    return today


def test_coordinator_runs_the_meeting_and_archives_the_minutes(
    page: Page, check_a11y, log_in, meeting: TeamMeeting
) -> None:
    enrollment = Enrollment.objects.get(participant__last_name="Grönberg")
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.goto(f"/remisser/moten/{meeting.pk}/")
    expect(page.locator(".agenda-item")).to_have_count(2)
    check_a11y(page)

    # An enrolment on the agenda, found with the person picker (no list of everyone).
    page.get_by_text("Sätt en inskriven deltagare på dagordningen").click()
    add = page.locator("#lagg-till-deltagare form")
    expect(add.locator("select")).to_have_count(0)
    search = add.get_by_label("Deltagare")
    search.focus()
    search.press_sequentially("Grön", delay=30)
    greta = add.get_by_role("radio", name=re.compile("Greta Grönberg"))
    expect(greta).to_have_count(1)
    check_a11y(page)
    greta.check()
    add.get_by_label("Förlängning").check()
    add.get_by_label("Inför mötet").fill("Behöver mer tid i arbetsträningen.")
    add.get_by_role("button", name="Sätt på dagordningen").click()
    expect(page.get_by_role("status").first).to_contain_text("Deltagaren är satt på dagordningen.")
    items = page.locator(".agenda-item")
    expect(items).to_have_count(3)
    expect(items.last).to_contain_text("Förlängning: Greta Grönberg")
    check_a11y(page)

    # Reorder with the buttons: the enrolment first.
    items.last.get_by_role("button", name="Flytta upp").click()
    expect(page.locator(".agenda-item").nth(1)).to_contain_text("Greta Grönberg")
    check_a11y(page)
    page.locator(".agenda-item").nth(1).get_by_role("button", name="Flytta upp").press("Enter")
    expect(page.locator(".agenda-item").first).to_contain_text("Greta Grönberg")
    check_a11y(page)

    # Attendance: the registered members are ticked; one more typed in.
    other = page.get_by_role("group", name="Annan närvarande 1")
    other.get_by_label("Part").select_option("region")
    other.get_by_label("Namn").fill("Maria Holm")
    page.get_by_role("button", name="Spara närvaro").click()
    expect(page.get_by_role("status").first).to_contain_text("Närvaron är sparad.")
    check_a11y(page)

    # Decisions on the day: the extension (with its new end date), then the questions.
    item = page.locator(".agenda-item").filter(has_text="Greta Grönberg")
    item.get_by_label("Förlängning beviljas", exact=True).check()
    new_end = enrollment.target_end + timedelta(days=90)
    item.get_by_label("Nytt slutdatum för inriktningstiden").fill(new_end.isoformat())
    item.get_by_label("Teamets bedömning").fill("Tydlig progression; förlängs ett kvartal.")
    item.get_by_role("button", name="Registrera beslut").click()
    expect(item).to_contain_text("Beslut: Förlängning beviljas")
    expect(item).to_contain_text(f"till {new_end:%Y-%m-%d}")
    for text in ("sjukersättning", "Prova på"):
        question = page.locator(".agenda-item").filter(has_text=text)
        question.get_by_label("Svar", exact=True).fill("Ja, efter bedömning i teamet.")
        question.get_by_role("button", name="Registrera beslut").click()
        expect(question).to_contain_text("Beslut: Frågan besvarad")
    check_a11y(page)

    # The justering: reload (the forms come with the page), choose among the attendees, approve.
    page.reload()
    check_a11y(page)
    minutes = page.locator("section[aria-labelledby=protokoll]")
    minutes.get_by_label("Protokollförare").select_option("Maria Holm")
    minutes.get_by_label("Justerare").select_option("Maria Holm")
    minutes.get_by_role("button", name="Protokollet är justerat").click()
    expect(page.get_by_role("status").first).to_contain_text("Protokollet är justerat.")
    expect(page.get_by_text("Mötet är låst.")).to_be_visible()
    expect(page.get_by_role("button", name="Registrera beslut")).to_have_count(0)
    check_a11y(page)

    # The worker renders the archived PDF (the outbox hands the task over; here it runs in the test).
    assert meetings.minutes_render(meeting_id=meeting.pk)
    page.reload()
    check_a11y(page)
    with page.expect_download() as downloading:
        page.get_by_role("link", name="Ladda ned det justerade protokollet (PDF)").click()
    pdf = PdfReader(io.BytesIO(downloading.value.path().read_bytes()))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Protokollförare: Maria Holm" in text
    assert "Förlängning beviljas" in text
    assert "Greta Grönberg" in text
    extension = Extension.objects.select_related("agenda_item").get(enrollment=enrollment)
    assert extension.agenda_item is not None
    assert extension.agenda_item.meeting_id == meeting.pk
