"""The referrer downloads a finalised handlingsplan from Mina deltagare; the handledare then sees the
download in the document's download log."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from participants.documents import services
from participants.documents.models import Document
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders
from tests.participants.documents.builders import final_plan, phase_two

pytestmark = pytest.mark.browser


@pytest.fixture
def plan(page: Page, notifications_sent, monkeypatch) -> Document:
    # No worker in browser tests: the plan is rendered here as the task would; the outbox is held
    # (notifications_sent), so nothing is queued.
    seed_rules_and_lists(apps)
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    enrollment = builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg")
    phase_two(enrollment, handledare)
    plan = final_plan(enrollment, handledare)
    assert services.document_render(document_id=plan.pk)
    plan.refresh_from_db()
    return plan


def test_referrer_downloads_the_plan_and_the_handledare_sees_it(page: Page, check_a11y, log_in, plan):
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    check_a11y(page)

    page.get_by_role("link", name="Deltagare", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mina deltagare")
    row = page.get_by_role("row").filter(has_text="Greta Grönberg")
    expect(row).to_contain_text("Arbetsförberedande")
    check_a11y(page)
    with page.expect_download() as downloading:
        row.get_by_role("link", name=re.compile("Handlingsplan 1 v1")).click()
    download = downloading.value
    assert download.suggested_filename == f"Handlingsplan-1-v1-HP-{plan.pk:06d}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == plan.sha256

    page.context.clear_cookies()
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto(f"/deltagare/dokument/{plan.public_id}/")
    downloads = page.locator("section", has=page.get_by_role("heading", name="Nedladdningar"))
    expect(downloads).to_contain_text("Frida Karlsson")
    expect(downloads).to_contain_text("v1")
    check_a11y(page)
