"""A handledare writes a handlingsplan (saved as they type), adds a sub-goal, tries to finalise it,
sees what is missing, completes and finalises it; once the PDF is rendered the page, polling, shows
the download without a reload and the plan is Slutförd."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.documents import services
from participants.documents.models import Document
from participants.models import Enrollment
from participants.reference import seed_rules_and_lists
from participants.views.delivery import download_filename
from teams.models import User
from tests.participants import builders
from tests.participants.documents.builders import phase_two

pytestmark = pytest.mark.browser


@pytest.fixture
def enrollment(page: Page, notifications_sent) -> Enrollment:
    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    enrollment = builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")
    phase_two(enrollment, handledare)
    return enrollment


def autosaved(page: Page):
    return page.expect_response(lambda r: "/autospara/" in r.url and r.request.method == "POST")


def test_handledare_writes_and_finalises_a_plan(page: Page, check_a11y, log_in, screenshot, enrollment):
    today = timezone.localdate()
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)

    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)
    page.get_by_role("button", name="Ny handlingsplan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Handlingsplan 1")
    check_a11y(page)
    plan = Document.objects.get(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN)

    # Saved as you type: the status says so and the draft has the text.
    with autosaved(page):
        page.locator("#id_goal").fill("Få ett arbete inom växtodling på halvtid – med stöd.")
    expect(page.locator("#autosave-status")).to_contain_text("Sparat")
    plan.refresh_from_db()
    assert plan.goal == "Få ett arbete inom växtodling på halvtid – med stöd."

    with autosaved(page):
        page.locator("#id_sg-0-goal").fill("Åka buss på egen hand till träningen")
    page.get_by_role("button", name="Lägg till delmål").click()
    expect(page.locator("#id_sg-1-goal")).to_be_visible()
    expect(page.locator("#id_sg-0-goal")).to_have_value("Åka buss på egen hand till träningen")
    check_a11y(page)

    # Finalising too early: the list of what is missing, the form intact.
    page.get_by_role("button", name="Slutför").click()
    alert = page.get_by_role("alert").filter(has_text="Det här saknas")
    expect(alert).to_contain_text("Inriktning")
    expect(alert).to_contain_text("Delmål 1: aktiviteter, ansvarig, klart senast.")
    expect(page.locator("#id_goal")).to_have_value("Få ett arbete inom växtodling på halvtid – med stöd.")
    check_a11y(page)
    screenshot(page, "handlingsplan-saknas")

    page.get_by_label("Arbete", exact=True).check()
    page.locator("#id_sg-0-activities").fill("Övningsresor med handledare")
    page.locator("#id_sg-0-responsible").select_option(label="Deltagaren")
    page.locator("#id_sg-0-due_on").fill((today.replace(day=1)).isoformat())
    with autosaved(page):
        page.locator("#id_agreed_on").fill(today.isoformat())
    expect(page.locator("#autosave-status")).to_contain_text("Sparat")
    page.get_by_role("button", name="Slutför").click()
    expect(page.get_by_role("status")).to_contain_text("är slutförd")
    expect(page.locator(".document-status")).to_have_text("Slutförd – PDF skapas")
    check_a11y(page)

    expect(page.locator("#document-pdf")).to_have_text("PDF:en skapas.")

    # Render as the task would (no worker here, so the pending page above is certain to be seen);
    # the page, polling with htmx, shows the download and the new status without a reload.
    plan.refresh_from_db()
    assert plan.status == Document.Status.PENDING
    url = page.url
    assert services.document_render(document_id=plan.pk)
    expect(page.get_by_role("link", name="Hämta PDF")).to_be_visible(timeout=15_000)
    expect(page.locator(".document-status")).to_have_text("Slutförd")
    assert page.url == url
    check_a11y(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Hämta PDF").click()
    assert download.value.suggested_filename == download_filename(plan)
    # The polling has stopped: no more requests for the PDF part.
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if request.url.endswith("/pdf-status/") else None)
    page.wait_for_timeout(4_000)
    assert polls == []
    page.reload()
    expect(page.locator(".document-status")).to_have_text("Slutförd")
    expect(page.get_by_role("heading", name="Mottagare")).to_be_visible()
    check_a11y(page)
    screenshot(page, "handlingsplan-slutford")
