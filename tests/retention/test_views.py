"""Gallring and registerutdrag pages: administrators only, POSTs included; a constant number of
queries; Swedish messages beside the field with what was typed kept; double submits change nothing
twice; every read of a person's data logged."""

from __future__ import annotations

import uuid

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ist.retention.models import LegalHold, RegisterExtract, RetentionLogLine, RetentionRun
from tests.retention.matrix_retention import NO_SUCH_EXTRACT

pytestmark = pytest.mark.django_db

NUMBER = "198501019817"  # Skatteverket-style test series (referrals/demo_people.py)
OTHERS = ["steering", "koordinator", "handledare", "samverkansteam", "referrer"]


def reads(what: str) -> int:
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__what__startswith=what).count()


@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_post(client, users, role) -> None:
    client.force_login(users[role])
    assert client.post(reverse("retention:hold_place"), {"personnummer": NUMBER, "reason": "Skäl 1"}).status_code == 403
    assert client.post(reverse("retention:hold_release", kwargs={"pk": 1})).status_code == 403
    assert client.post(reverse("retention:extracts"), {"personnummer": NUMBER, "reason": "Ärende"}).status_code == 403
    assert not LegalHold.objects.exists()
    assert not RegisterExtract.objects.exists()


def test_anonymous_post_goes_to_login(client) -> None:
    response = client.post(reverse("retention:hold_place"), {"personnummer": NUMBER, "reason": "Skäl 1"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def make_runs_and_holds(n: int, admin, start: int = 0) -> None:
    for i in range(start, start + n):
        run = RetentionRun.objects.create(started_at=f"2026-01-0{i + 1}T01:40:00+01:00")
        RetentionLogLine.objects.create(
            run=run,
            rule="draft_referral",
            record="Remissutkast",
            action="deleted",
            count=i,
            months=6,
            cutoff="2025-07-01",
        )
        LegalHold.objects.create(personnummer=f"19850101{i:04d}", reason="Dnr 1", placed_by=admin)


def test_overview_shows_preview_rules_holds_and_log_in_constant_queries(client, users) -> None:
    admin = users["administrator"]
    client.force_login(admin)
    make_runs_and_holds(1, admin)
    client.get(reverse("retention:overview"))  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as one:
        response = client.get(reverse("retention:overview"))
    make_runs_and_holds(3, admin, start=1)
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("retention:overview"))
    assert len(one) == len(four)
    page = response.content.decode()
    assert "Nästa gallring" in page
    assert "Remissutkast som aldrig skickades" in page
    assert "19850101-****" in page
    assert "198501010002" not in page  # spärrar show masked numbers
    assert "Gallringslogg" in page
    assert reads("spärrar mot gallring") == 1 + 1 + 4  # every hold shown, every time


def test_place_a_hold_then_release_it_double_submits_harmless(client, users) -> None:
    client.force_login(users["administrator"])
    data = {"personnummer": "19850101-9817", "reason": "Begäran dnr 12"}
    assert client.post(reverse("retention:hold_place"), data).status_code == 302
    assert client.post(reverse("retention:hold_place"), data).status_code == 302
    hold = LegalHold.objects.get()
    assert hold.personnummer == NUMBER
    assert hold.placed_by == users["administrator"]
    assert reads("spärr mot gallring lagd") == 1

    url = reverse("retention:hold_release", kwargs={"pk": hold.pk})
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert not LegalHold.objects.exists()


def test_bad_personnummer_gets_a_swedish_message_and_keeps_what_was_typed(client, users) -> None:
    client.force_login(users["administrator"])
    response = client.post(
        reverse("retention:hold_place"), {"personnummer": "19850101-2397", "reason": "Dnr 55 klagomål"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Personnumret är inte giltigt" in page
    assert 'value="19850101-2397"' in page
    assert 'value="Dnr 55 klagomål"' in page
    assert not LegalHold.objects.exists()


def test_order_an_extract_once_per_form(client, users) -> None:
    client.force_login(users["administrator"])
    token = str(uuid.uuid4())
    data = {"personnummer": NUMBER, "reason": "Brev 2026-12-01", "form_token": token}
    assert client.post(reverse("retention:extracts"), data).status_code == 302
    assert client.post(reverse("retention:extracts"), data).status_code == 302
    extract = RegisterExtract.objects.get()
    assert extract.status == RegisterExtract.Status.PENDING
    assert extract.requested_by == users["administrator"]
    assert reads("registerutdrag beställt") == 2  # each submit is a request seen, the row is one
    page = client.get(reverse("retention:extracts")).content.decode()
    assert "Skapas" in page
    assert 'hx-trigger="every 3s"' in page  # the list polls while one is built
    fragment = client.get(reverse("retention:extracts"), headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in fragment
    assert 'id="extract-list"' in fragment


def test_bad_extract_order_keeps_the_form(client, users) -> None:
    client.force_login(users["administrator"])
    response = client.post(reverse("retention:extracts"), {"personnummer": "abc", "reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Personnumret är inte giltigt" in page
    assert "Skriv vilket ärende utdraget gäller." in page
    assert not RegisterExtract.objects.exists()


def ready_extract(admin, content: bytes = b"%PDF-1.7 utdrag") -> RegisterExtract:
    import hashlib

    extract = RegisterExtract.objects.create(personnummer=NUMBER, reason="Brev", requested_by=admin)
    extract.pdf.save("x.pdf", ContentFile(content), save=False)
    extract.sha256 = hashlib.sha256(content).hexdigest()
    extract.status = RegisterExtract.Status.READY
    extract.save()
    return extract


def test_download_is_logged_and_named_without_personal_data(client, users, media) -> None:
    extract = ready_extract(users["administrator"])
    client.force_login(users["administrator"])
    response = client.get(reverse("retention:extract_download", kwargs={"public_id": extract.public_id}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 utdrag"
    assert response["Content-Disposition"] == f'attachment; filename="registerutdrag-{extract.pk:06d}.pdf"'
    assert "no-store" in response["Cache-Control"]
    extract.refresh_from_db()
    assert extract.first_downloaded_at is not None
    assert extract.download_count == 1
    assert reads("registerutdrag hämtat") == 1


def test_changed_file_is_not_handed_out(client, users, media) -> None:
    extract = ready_extract(users["administrator"])
    (media / extract.pdf.name).write_bytes(b"%PDF-1.7 annat")
    client.force_login(users["administrator"])
    response = client.get(reverse("retention:extract_download", kwargs={"public_id": extract.public_id}))
    assert response.status_code == 500
    assert "stämmer inte" in response.content.decode()


def test_pending_or_unknown_extract_is_404(client, users) -> None:
    pending = RegisterExtract.objects.create(personnummer=NUMBER, reason="Brev", requested_by=users["administrator"])
    client.force_login(users["administrator"])
    for public_id in (pending.public_id, NO_SUCH_EXTRACT):
        assert client.get(reverse("retention:extract_download", kwargs={"public_id": public_id})).status_code == 404


def test_administrators_edit_the_rules_in_the_admin_and_the_access_log_stays_five_years(client, users) -> None:
    from ist.retention.models import Kind, RetentionRule

    rule = RetentionRule.objects.get(kind=Kind.ACCESS_LOG)
    url = reverse("admin:retention_retentionrule_change", args=[rule.pk])
    client.force_login(users["koordinator"])
    assert client.get(url).status_code in (302, 403)
    client.force_login(users["administrator"])
    assert client.get(reverse("admin:retention_retentionrule_changelist")).status_code == 200
    response = client.post(url, {"event": "logged", "months": 12, "active": "on", "note": ""})
    assert response.status_code == 200
    assert "Åtkomstloggen ska sparas minst fem år" in response.content.decode()
    rule.refresh_from_db()
    assert rule.months == 60
    response = client.post(url, {"event": "logged", "months": 84, "active": "on", "note": "DHP 4.2"})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.months, rule.note) == (84, "DHP 4.2")
    drafts = RetentionRule.objects.get(kind=Kind.DRAFT_REFERRAL)
    response = client.post(
        reverse("admin:retention_retentionrule_change", args=[drafts.pk]),
        {"event": "closure", "months": 6, "active": "on", "note": ""},
    )
    assert response.status_code == 200  # a draft is not counted from a closure
    assert client.get(reverse("admin:retention_retentionrule_add")).status_code == 403  # kinds are fixed
