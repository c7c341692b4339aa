"""An administrator is told on every page when the worker has gone silent, and stops being told
once it is back (docs/decisions/0014-embedded-broker.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from ist.health.models import Heartbeat
from ist.health.services import heartbeat_record

pytestmark = pytest.mark.browser


def test_an_administrator_sees_the_silent_worker_on_every_page_until_it_beats_again(
    page: Page, check_a11y, log_in
) -> None:
    silent_since = timezone.localtime() - timedelta(minutes=7)
    Heartbeat.objects.update_or_create(source="worker", defaults={"beat_at": silent_since})

    page.goto("/")
    check_a11y(page)
    log_in(page, "admin@ist.example")
    alert = page.get_by_role("alert")
    day = "" if silent_since.date() == timezone.localdate() else f"{silent_since:%Y-%m-%d} "
    expect(alert).to_contain_text(
        "Bakgrundsarbetet svarar inte: inga e-post, PDF:er eller påminnelser skickas sedan "
        f"{day}kl. {silent_since:%H:%M}."
    )
    check_a11y(page)

    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    expect(page.get_by_role("alert")).to_contain_text("Bakgrundsarbetet svarar inte")
    check_a11y(page)

    heartbeat_record()  # the worker is back
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    expect(page.get_by_text("Bakgrundsarbetet svarar inte")).to_have_count(0)
    check_a11y(page)
