"""Letters for people without an account (issue 18): a paper referral is decided and its beslutsbrev
printed; an information meeting is booked, its kallelse printed and its calendar invite downloaded;
its outcome cannot be recorded before the meeting's day."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from referrals import emails, letters, services
from referrals.inputs import RegisteredReferralFields
from referrals.models import Letter, Referral
from teams.models import Team, User
from tests.referrals import builders

pytestmark = pytest.mark.browser
REASONING = "Personen har ett pågående stöd som passar bättre just nu."


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages).split())


def _paper(coordinator: User, **data: Any) -> Referral:
    values = RegisteredReferralFields(
        **builders.referral_data(**data), referrer_name="Kim Handläggare", referrer_email="kim@fk.example"
    )
    return services.referral_register(
        by=coordinator,
        team=Team.objects.get(slug="halmstad-hylte"),
        values=values,
        channel=Referral.Channel.PAPER,
        received_on=timezone.localdate(),
    ).referral


def test_a_paper_referral_is_decided_and_its_beslutsbrev_printed(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referral = _paper(coordinator, first_name="Pia", last_name="Pappersson")
    meeting = builders.meeting(coordinator)
    builders.on_agenda(referral, meeting, coordinator)

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.goto(f"/remisser/moten/{meeting.pk}/")
    check_a11y(page)
    item = page.locator(".agenda-item").filter(has_text="Pia Pappersson")
    item.get_by_label("Avslås").check()
    item.get_by_label("Motivering").fill(REASONING)
    item.get_by_role("button", name="Registrera beslut").click()
    expect(item).to_contain_text("Beslut: Avslås")
    check_a11y(page)

    # The review page lists the letter; it is being made until the worker has rendered it.
    page.goto(f"/remisser/{referral.pk}/granska/")
    letters_panel = page.get_by_role("region", name="Brev")
    expect(letters_panel).to_contain_text("Skapas")
    check_a11y(page)
    letter = Letter.objects.get(referral=referral)
    assert letters.letter_render(letter_id=letter.pk)  # as the task would (no worker here)
    page.reload()
    expect(letters_panel).to_contain_text("Klart att skriva ut")
    check_a11y(page)
    letters_panel.get_by_role("link", name="Beslutsbrev").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beslutsbrev")
    check_a11y(page)
    screenshot(page, "beslutsbrev")

    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta brevet (PDF)").click()
    assert download.value.suggested_filename == letter.filename
    text = _pdf_text(Path(download.value.path()))
    assert REASONING in text
    assert "Kim Handläggare" in text
    assert "IST Halmstad/Hylte" in text

    # Recording that it was sent: without a choice the message is beside the field.
    page.get_by_role("button", name="Markera som skickat").click()
    expect(page.get_by_role("group", name="Hur skickades brevet?").locator(".errorlist")).to_be_visible()
    check_a11y(page)
    page.get_by_label("Utskrivet och skickat med post").check()
    page.get_by_role("button", name="Markera som skickat").click()
    expect(page.get_by_role("status")).to_contain_text("Brevet är markerat som skickat.")
    expect(page.get_by_role("region", name="Skickat")).to_contain_text("Utskrivet och skickat med post")
    check_a11y(page)
    letter.refresh_from_db()
    assert letter.sent_by == coordinator
    # The paper referrer's e-mail says a letter comes; it never asks them to log in.
    assert (emails.DECIDED, referral.pk) in notifications_sent


def test_an_information_meeting_gets_a_kallelse_and_a_calendar_invite(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referral = builders.accepted(
        _paper(coordinator, first_name="Olle", last_name="Olsson", address="Lillgatan 2\n302 40 Halmstad"), coordinator
    )

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)
    page.goto(f"/remisser/{referral.pk}/informationsmote/nytt/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Boka informationsmöte")
    check_a11y(page)
    day = timezone.localdate() + timedelta(days=3)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Tid").fill("14:00")
    page.get_by_label("Plats").fill("IST-kontoret, Storgatan 5")
    page.get_by_label("Karin Koordinator").check()
    page.get_by_role("button", name="Boka").click()
    expect(page.get_by_role("status")).to_contain_text("Informationsmötet är bokat.")
    check_a11y(page)

    # Before the meeting's day the outcome is refused, beside the field, and the note stays.
    page.get_by_label("Vill börja").check()
    page.get_by_label("Anteckning").fill("Vill börja direkt")
    page.get_by_role("button", name="Registrera utfall").click()
    expect(page.locator("#outcome-error")).to_contain_text("Mötet har inte ägt rum ännu")
    expect(page.get_by_label("Anteckning")).to_have_value("Vill börja direkt")
    check_a11y(page)

    # The calendar invite: Stockholm time, no name.
    with page.expect_download() as download:
        page.get_by_role("link", name="Lägg till i kalender").click()
    content = Path(download.value.path()).read_bytes()
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["summary"]) == "Informationsmöte, IST Halmstad/Hylte"
    assert event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert f"{day:%Y%m%d}T140000" in content.decode()
    assert "Olsson" not in content.decode()

    # The kallelse.
    letter = Letter.objects.get(referral=referral, kind=Letter.Kind.INVITATION)
    assert letters.letter_render(letter_id=letter.pk)
    page.reload()
    check_a11y(page)
    page.get_by_role("region", name="Kallelse till personen").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kallelse till informationsmöte")
    check_a11y(page)
    screenshot(page, "kallelse")
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta brevet (PDF)").click()
    text = _pdf_text(Path(download.value.path()))
    assert "Välkommen till ett informationsmöte" in text
    assert day.isoformat() in text
    assert "14:00" in text
    assert "302 40 Halmstad" in text
    page.get_by_label("Skickat via partnerns säkra kanal").check()
    page.get_by_role("button", name="Markera som skickat").click()
    expect(page.get_by_role("status")).to_contain_text("Brevet är markerat som skickat.")
    check_a11y(page)
    booked = referral.information_meetings.get()
    assert (emails.INFO_MEETING_BOOKED, booked.pk) in notifications_sent
