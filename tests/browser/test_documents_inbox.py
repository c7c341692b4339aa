"""A referrer opens "Dokument", finds the new document by the person's name and downloads it; it is
no longer marked "Ny" afterwards."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from participants.documents import services
from participants.documents.models import Document, DocumentRead
from teams.models import User
from tests.databases import seed_reference_data
from tests.participants import builders
from tests.participants.documents.builders import final_plan, phase_two

pytestmark = pytest.mark.browser


def rendered_plan(first_name: str, last_name: str) -> Document:
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    enrollment = builders.enrolled(referrer, coordinator, handledare, first_name=first_name, last_name=last_name)
    phase_two(enrollment, handledare)
    plan = final_plan(enrollment, handledare)
    assert services.document_render(document_id=plan.pk)  # no worker in browser tests
    plan.refresh_from_db()
    return plan


@pytest.fixture
def plans(page: Page, notifications_sent) -> tuple[Document, Document]:
    seed_reference_data()  # phase requirements, activity kinds, value lists (idempotent)
    return rendered_plan("Greta", "Grönberg"), rendered_plan("Hugo", "Holm")


def test_referrer_opens_the_inbox_and_downloads_a_new_document(page: Page, check_a11y, log_in, screenshot, plans):
    greta, _hugo = plans
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "remittent.fk@ist.example")
    check_a11y(page)

    page.get_by_role("link", name="Dokument", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokument")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Hugo Holm")  # newest first
    expect(rows.filter(has_text="Ny")).to_have_count(2)
    check_a11y(page)
    screenshot(page, "dokument-inkorg")

    page.get_by_label("Person").fill("grönberg")
    page.get_by_role("button", name="Visa").click()
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text("Greta Grönberg")
    expect(row).to_contain_text("Ny")
    check_a11y(page)
    with page.expect_download() as downloading:
        row.get_by_role("link", name=re.compile("Hämta PDF")).click()
    content = Path(downloading.value.path()).read_bytes()
    assert hashlib.sha256(content).hexdigest() == greta.sha256
    assert DocumentRead.objects.filter(document=greta, user__email="remittent.fk@ist.example").exists()

    page.reload()
    expect(rows.first).to_contain_text("Greta Grönberg")
    expect(rows.first).not_to_contain_text("Ny")
    check_a11y(page)
    page.get_by_role("link", name="Visa alla").click()
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Hugo Holm")).to_contain_text("Ny")
    check_a11y(page)
