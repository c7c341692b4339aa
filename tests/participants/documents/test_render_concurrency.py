"""Two workers rendering the same document at once: one renders, the other finds it claimed
(PostgreSQL: SKIP LOCKED; SQLite: the write lock serialises them and the second finds it final)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from participants.documents import services
from participants.documents.models import Delivery, Document
from tests.databases import postgresql_only
from tests.outbox import held
from tests.participants.documents import builders


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_renders_make_one_pdf_and_tell_the_referrer_once(seeded_journey, monkeypatch):
    journey = seeded_journey
    plan = builders.final_plan(journey["enrollment"], journey["handledare"])
    told = held.hold(monkeypatch)
    start = threading.Barrier(2)
    results: list[bool] = []

    def render() -> None:
        start.wait()
        try:
            results.append(services.document_render(document_id=plan.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=render) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    plan.refresh_from_db()
    assert plan.status == Document.Status.FINAL
    assert plan.render_attempts == 1
    assert told == [("document_ready", Delivery.objects.get(document=plan).pk)]
