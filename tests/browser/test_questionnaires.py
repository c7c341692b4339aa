"""The participant's voice: a participant answers through a one-time link on a phone, and in deltagarläge on
the handledare's screen; the handledare then sees the self-assessment over time as a chart with its table."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from ist.questionnaires import reference, services
from ist.questionnaires.models import How, Response
from participants.models import Enrollment
from teams.models import User
from tests.participants import builders
from tests.questionnaires import builders as answers

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 667}


@pytest.fixture
def enrollment(page: Page, notifications_sent) -> Enrollment:
    from django.apps import apps

    from participants.reference import seed_rules_and_lists

    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    # Started five days ago: the self-assessment at enrolment is due.
    return builders.enrolled(
        referrer,
        coordinator,
        handledare,
        start=timezone.localdate() - timedelta(days=5),
        first_name="Greta",
        last_name="Grönberg",
    )


def test_a_participant_answers_through_a_one_time_link_on_a_phone(page: Page, check_a11y, enrollment) -> None:
    invitation = services.invitation_create(
        enrollment=enrollment,
        version=answers.version_of(reference.EXAMPLE),
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=enrollment.responsible,
    )
    token = services.link_create(invitation=invitation)
    page.set_viewport_size(PHONE)
    page.goto(f"/enkat/svara/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(reference.EXAMPLE)
    expect(page.get_by_text("Grönberg")).to_have_count(0)
    check_a11y(page)
    # Sent without the answers: a message at each required question, in plain Swedish.
    page.get_by_role("radio", name="Mycket stor nytta").check()
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_text("Svara på frågan, tack.")).to_have_count(1)
    expect(page.get_by_role("radio", name="Mycket stor nytta")).to_be_checked()
    check_a11y(page)
    page.get_by_role("radio", name="Stämmer helt").check()
    page.get_by_role("checkbox", name="Praktik").check()
    page.get_by_role("textbox", name="Vill du säga något mer?").fill("Bra stöd")
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    check_a11y(page)
    saved = Response.objects.get()
    assert saved.enrollment_id is None
    assert saved.answers.count() == 4
    # The same link again: it has been used.
    page.goto(f"/enkat/svara/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Länken gäller inte längre")
    check_a11y(page)


def test_deltagarlage_then_the_handledare_sees_the_progression(page: Page, check_a11y, log_in, enrollment) -> None:
    today = timezone.localdate()
    answers.self_assessment(enrollment, 2, today - timedelta(days=200))
    answers.self_assessment(enrollment, 3, today - timedelta(days=100))
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/{enrollment.pk}/")
    panel = page.locator("#enkater")
    expect(panel.get_by_role("heading", name="Att lämna ut nu")).to_be_visible()
    expect(panel.locator(".progression-table tbody tr")).to_have_count(2)
    check_a11y(page)

    # Deltagarläge for the self-assessment due at enrolment.
    due = panel.locator(".questionnaire-offers").first
    due.get_by_role("radio", name="Deltagarläge på den här skärmen").first.check()
    due.get_by_role("button", name="Lämna ut").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference.STEPS)
    expect(page.get_by_role("navigation", name="Huvudmeny")).to_have_count(0)
    expect(page.get_by_text("Grönberg")).to_have_count(0)
    check_a11y(page)
    page.get_by_role("radio", name="En bit närmare").check()
    page.get_by_role("radio", name="Orkar det mesta").check()
    page.get_by_role("button", name="Skicka svaren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tack för dina svar!")
    expect(page.get_by_text("Lämna tillbaka skärmen till din handledare.")).to_be_visible()
    check_a11y(page)

    # Only the handledare's login leads on, back to the participant page.
    page.get_by_role("link", name="Handledare: logga in för att fortsätta").click()
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    expect(page.get_by_role("heading", level=1)).to_have_text("Greta Grönberg")
    panel = page.locator("#enkater")
    expect(panel.locator("svg.progression-chart")).to_have_count(1)
    expect(panel.locator(".progression-table tbody tr")).to_have_count(3)
    expect(panel.locator(".progression-table tbody tr").last).to_contain_text("En bit närmare")
    expect(panel.get_by_text("Ingen enkät är aktuell just nu.")).to_be_visible()
    check_a11y(page)


def test_the_handledare_prints_a_one_time_link_as_a_qr_code(page: Page, check_a11y, log_in, enrollment) -> None:
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)
    page.get_by_text("Lämna ut eller skriv in en annan enkät").click()
    form = page.locator("form.hand-out-form").filter(has_text=f"Lämna ut {reference.EXAMPLE}")
    form.get_by_role("radio", name="Engångslänk och QR-kod (för papper)").check()
    form.get_by_role("button", name="Lämna ut").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(reference.EXAMPLE)
    expect(page.locator(".qr-code svg")).to_have_count(1)
    link = page.locator(".answer-link a").get_attribute("href") or ""
    assert "/enkat/svara/" in link
    check_a11y(page)
