"""A handledare moves a participant to the next phase and closes the enrolment; a coordinator
reassigns a participant from the caseload."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Enrollment, Phase, PhasePeriod
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders

pytestmark = pytest.mark.browser

# The browser tests' database is flushed after each test, which removes what the data migrations
# seeded (exit reasons, phase requirements, inriktningstid rules): seed them again, as they were.


@pytest.fixture
def enrollment(page: Page, notifications_sent) -> Enrollment:
    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    return builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")


def test_handledare_changes_phase_and_closes_the_enrolment(page: Page, check_a11y, log_in, screenshot, enrollment):
    today = timezone.localdate().isoformat()
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)

    # From the participant page to Fas: Prova på → Arbetsförberedande, in place (htmx).
    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)
    page.get_by_role("link", name="Byt fas").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fas och fasbyte")
    expect(page.locator(".current-phase")).to_have_text("Prova på")
    check_a11y(page)
    page.get_by_label("Ny fas").select_option(label="Arbetsförberedande")
    page.get_by_label("Från och med").fill(today)
    page.get_by_role("button", name="Byt fas").click()
    expect(page.get_by_role("status")).to_contain_text("Greta Grönberg är i fasen Arbetsförberedande")
    expect(page.locator(".current-phase")).to_have_text("Arbetsförberedande")
    history = page.get_by_role("table")
    expect(history.get_by_role("row")).to_have_count(3)
    expect(history).to_contain_text("Prova på")
    check_a11y(page)
    assert PhasePeriod.objects.get(enrollment=enrollment, end__isnull=True).phase == Phase.ARBETSFORBEREDANDE

    # Avslut: health reasons without the consultations first.
    page.get_by_role("link", name="Greta Grönberg").click()
    check_a11y(page)
    page.get_by_role("link", name="Avsluta").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Avslut")
    check_a11y(page)
    reason = page.get_by_label("Avslutsorsak")
    expect(reason.locator("optgroup")).to_have_count(2)
    page.get_by_label("Avslutsdatum").fill(today)
    reason.select_option(label="Arbete")
    page.get_by_label("Sammanfattning").fill("Greta har orkat allt mer och vill nu pröva ett arbete.")
    page.get_by_label("Rekommendationer och nästa steg").fill("Kontakt med Arbetsförmedlingen om lönebidrag.")
    screenshot(page, "avslut")
    reason.select_option(label="Avbrott av hälsoskäl")
    page.get_by_label("Övriga parter har hörts").check()
    page.get_by_role("button", name="Avsluta inskrivningen").click()

    error = page.locator(".field-error").filter(has=page.get_by_label("Vårdgivaren har hörts"))
    expect(error).to_contain_text("vårdgivaren och övriga parter ha hörts")
    expect(page.get_by_role("alert")).to_contain_text("Inget är sparat ännu")
    expect(page.get_by_label("Sammanfattning")).to_have_value("Greta har orkat allt mer och vill nu pröva ett arbete.")
    expect(page.get_by_label("Övriga parter har hörts")).to_be_checked()
    check_a11y(page)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    # The right reason: Arbete.
    reason.select_option(label="Arbete")
    page.get_by_label("Övriga parter har hörts").uncheck()
    page.get_by_role("button", name="Avsluta inskrivningen").click()

    expect(page.locator(".messages[role=status]")).to_contain_text("Inskrivningen för Greta Grönberg är avslutad.")
    expect(page.get_by_text("Avslutad", exact=True).first).to_be_visible()
    check_a11y(page)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CLOSED
    assert enrollment.closure.reason.code == "arbete"


def test_coordinator_reassigns_from_the_caseload(page: Page, check_a11y, log_in, enrollment, notifications_sent):
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.goto("/deltagare/arbetsfordelning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetsfördelning")
    check_a11y(page)
    group = page.get_by_role("table").filter(has_text="Greta Grönberg")
    expect(group).to_contain_text(enrollment.participant.personnummer_masked)
    group.get_by_role("link", name="Byt handledare för Greta Grönberg").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Byt handledare")
    check_a11y(page)
    responsible = page.get_by_label("Ansvarig handledare")
    other = next(
        text.strip()
        for text in responsible.locator("option").all_inner_texts()
        if text.strip() and text.strip() != enrollment.responsible.get_full_name() and "---" not in text
    )
    responsible.select_option(label=other)
    page.get_by_role("button", name="Spara").click()

    expect(page.get_by_role("status")).to_contain_text(f"{other} är ansvarig handledare för Greta Grönberg")
    check_a11y(page)
    enrollment.refresh_from_db()
    assert enrollment.responsible.get_full_name() == other
    assert ("reassigned", enrollment.pk) in notifications_sent
