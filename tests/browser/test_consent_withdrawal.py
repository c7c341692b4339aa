"""A handledare records that the participant withdrew their consent: the page says what follows, the
participant page shows the withdrawal, and the referrer can no longer fetch the shared plan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants import emails
from participants.documents.models import Delivery
from participants.documents.selectors import documents_for
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders
from tests.participants.documents import builders as document_builders

pytestmark = pytest.mark.browser


def test_handledare_records_a_withdrawn_consent(page: Page, check_a11y, log_in, notifications_sent) -> None:
    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    enrollment = builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")
    plan = document_builders.final_plan(enrollment, handledare)
    assert documents_for(referrer).filter(pk=plan.pk).exists()

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)
    consent = page.locator("section.consent")
    expect(consent).to_contain_text("Inremittentens organisation")
    consent.get_by_role("link", name="Ändra eller återkalla samtycket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtycke")
    check_a11y(page)

    # A date in the future is refused beside the field, and nothing is withdrawn.
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    page.get_by_label("Samtycket återkallades (datum)").fill(tomorrow)
    page.get_by_role("button", name="Återkalla samtycket").click()
    expect(page.locator(".field-error")).to_contain_text("Datumet kan inte ligga i framtiden.")
    check_a11y(page)

    page.get_by_label("Samtycket återkallades (datum)").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Återkalla samtycket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Greta Grönberg")
    expect(page.locator(".consent-withdrawn").first).to_contain_text("Återkallat")
    expect(page.get_by_role("status").first).to_contain_text("Samtycket är återkallat")
    check_a11y(page)

    assert not documents_for(referrer).filter(pk=plan.pk).exists()
    assert not Delivery.objects.filter(document=plan, revoked_at__isnull=True).exists()
    assert (emails.CONSENT_CHANGED, enrollment.pk) in notifications_sent
