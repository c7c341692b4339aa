"""Delivery: downloading the stored PDF, "Delade dokument" and the documents under Mina deltagare."""

from __future__ import annotations

import hashlib

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.urls import reverse

from participants.documents import services
from participants.documents.models import Document, Download
from participants.views.delivery import download_filename
from tests.factories import ReferrerFactory
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(journey):
    builders.phase_two(journey["enrollment"], journey["handledare"])
    return builders.rendered_plan(journey)


def download(client, document: Document):
    return client.get(reverse("participants:document_download", kwargs={"public_id": document.public_id}))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("role", ["referrer", "handledare", "koordinator"])
def test_download_serves_the_stored_file_and_records_it(client, journey, plan, role):
    client.force_login(journey[role])
    response = download(client, plan)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    assert f'attachment; filename="{download_filename(plan)}"' == response["Content-Disposition"]
    content = body(response)
    assert content.startswith(b"%PDF")
    assert hashlib.sha256(content).hexdigest() == plan.sha256
    assert Download.objects.filter(document=plan, user=journey[role]).count() == 1
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, object_pk=str(plan.pk), actor=journey[role]).exists()


def test_file_name_has_no_personal_name(plan):
    name = download_filename(plan)
    assert name == f"Handlingsplan-{plan.number}-v1-HP-{plan.pk:06d}.pdf"
    participant = plan.enrollment.participant
    assert participant.first_name not in name
    assert participant.last_name not in name


def test_outsiders_get_404_and_the_attempt_is_logged(client, journey, plan):
    stranger = ReferrerFactory.create()
    client.force_login(stranger)
    assert download(client, plan).status_code == 404
    assert LogEntry.objects.filter(object_pk=str(plan.pk), actor=stranger, additional_data__outcome="denied").exists()
    assert not Download.objects.filter(document=plan).exists()


def test_anonymous_is_sent_to_log_in(client, plan):
    response = download(client, plan)
    assert response.status_code == 302
    assert not Download.objects.exists()


def test_referrer_never_reaches_a_draft(client, journey):
    builders.phase_two(journey["enrollment"], journey["handledare"])
    draft = builders.draft_plan(journey)
    client.force_login(journey["referrer"])
    assert download(client, draft).status_code == 404


def test_pending_document_says_the_pdf_is_being_made(client, journey):
    builders.phase_two(journey["enrollment"], journey["handledare"])
    pending = builders.final_plan(journey["enrollment"], journey["handledare"])
    assert pending.status == Document.Status.PENDING
    client.force_login(journey["referrer"])
    response = download(client, pending)
    assert response.status_code == 409
    assert "PDF:en skapas, försök igen om en stund" in response.content.decode()
    assert not Download.objects.exists()


def test_a_tampered_file_is_never_served(client, journey, plan):
    plan.pdf.save("andrad.pdf", ContentFile(b"%PDF-1.7 not the file that was finalised"), save=True)
    client.force_login(journey["referrer"])
    response = download(client, plan)
    assert response.status_code == 500
    assert b"not the file" not in response.content
    assert not Download.objects.exists()
    assert LogEntry.objects.filter(object_pk=str(plan.pk), additional_data__outcome="tampered").exists()


def test_downloading_does_not_render(client, journey, plan, monkeypatch):
    import ist.pdf.rendering

    def refuse(*args, **kwargs):
        raise AssertionError("the download view rendered a PDF")

    monkeypatch.setattr(ist.pdf.rendering, "render_pdf", refuse)
    client.force_login(journey["referrer"])
    assert download(client, plan).status_code == 200


def test_shared_documents_lists_what_a_party_was_given(client, journey, plan):
    party = ReferrerFactory.create()
    services.document_share(document=plan, recipients=[party], by=journey["handledare"])
    client.force_login(party)
    response = client.get(reverse("participants:shared_documents"))
    assert response.status_code == 200
    html = response.content.decode()
    assert str(plan.enrollment.participant) in html
    assert reverse("participants:document_download", kwargs={"public_id": plan.public_id}) in html
    assert download(client, plan).status_code == 200
    # The referrer finds their documents under Mina deltagare, not here.
    client.force_login(journey["referrer"])
    assert str(plan.enrollment.participant) not in client.get(reverse("participants:shared_documents")).content.decode()


def test_shared_documents_keeps_a_constant_number_of_queries(client, journey, plan, django_assert_max_num_queries):
    party = ReferrerFactory.create()
    services.document_share(document=plan, recipients=[party], by=journey["handledare"])
    client.force_login(party)
    with django_assert_max_num_queries(25) as few:
        client.get(reverse("participants:shared_documents"))
    more = [builders.rendered_plan({**journey, "enrollment": e}) for e in _more_enrollments(journey, 3)]
    for document in more:
        services.document_share(document=document, recipients=[party], by=journey["handledare"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participants:shared_documents"))
    for document in more:
        assert document.reference in response.content.decode()


def _more_enrollments(journey, n):
    from tests.participants import builders as journey_builders

    enrollments = []
    for _ in range(n):
        enrollment = journey_builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"])
        builders.phase_two(enrollment, journey["handledare"])
        enrollments.append(enrollment)
    return enrollments


def test_mina_deltagare_shows_the_delivered_documents_with_links(client, journey, plan):
    client.force_login(journey["referrer"])
    response = client.get(reverse("participants:list"), {"status": "all"})
    html = response.content.decode()
    assert reverse("participants:document_download", kwargs={"public_id": plan.public_id}) in html
    assert "Handlingsplan 1 v1" in html


def test_mina_deltagare_keeps_a_constant_number_of_queries(client, journey, plan, django_assert_max_num_queries):
    client.force_login(journey["referrer"])
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("participants:list"), {"status": "all"})
    more = [builders.rendered_plan({**journey, "enrollment": e}) for e in _more_enrollments(journey, 3)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("participants:list"), {"status": "all"})
    html = response.content.decode()
    for document in more:
        assert reverse("participants:document_download", kwargs={"public_id": document.public_id}) in html


def test_staff_list_has_no_document_column(client, journey, plan):
    client.force_login(journey["handledare"])
    html = client.get(reverse("participants:list")).content.decode()
    assert reverse("participants:document_download", kwargs={"public_id": plan.public_id}) not in html
