"""The document page asks for its PDF while it is being made (htmx, every 3 s) and shows the download
as soon as it is there; the polling stops when the PDF is ready and after ten minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.documents import services
from participants.documents.models import Document
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}


@pytest.fixture
def pending(enrollment, journey):
    """A plan just finalised: its PDF is not made yet."""
    return builders.final_plan(enrollment, journey["handledare"])


def poll_url(document: Document) -> str:
    return reverse("participants:document_pdf", args=[document.public_id])


def test_the_page_of_a_pending_document_polls_for_the_pdf(client, pending, journey):
    client.force_login(journey["handledare"])
    page = client.get(reverse("participants:document_detail", args=[pending.public_id])).content.decode()
    assert "PDF:en skapas." in page
    assert f'hx-get="{poll_url(pending)}" hx-trigger="every 3s"' in page
    assert 'aria-live="polite"' in page


def test_the_poll_answers_the_same_part_until_the_pdf_is_made_then_the_download_without_polling(
    client, pending, journey
):
    client.force_login(journey["handledare"])
    response = client.get(poll_url(pending), headers=HX)
    part = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<html" not in part  # a fragment, not the page
    assert 'hx-trigger="every 3s"' in part
    assert "PDF:en skapas." in part
    services.document_render(document_id=pending.pk)
    part = client.get(poll_url(pending), headers=HX).content.decode()
    download = reverse("participants:document_download", kwargs={"public_id": pending.public_id})
    assert f'<a href="{download}">Hämta PDF</a>' in part
    assert "hx-trigger" not in part  # the new part stops the polling
    # The status at the top of the page follows (an out-of-band swap).
    assert '<span id="document-status" hx-swap-oob="true">' in part
    assert "Slutförd</span>" in part


def test_polling_stops_after_ten_minutes_and_asks_for_a_reload(client, pending, journey):
    Document.objects.filter(pk=pending.pk).update(finalised_at=timezone.now() - timedelta(minutes=11))
    client.force_login(journey["handledare"])
    part = client.get(poll_url(pending), headers=HX).content.decode()
    assert "hx-trigger" not in part
    assert "ladda om sidan om en stund" in part
    page = client.get(reverse("participants:document_detail", args=[pending.public_id])).content.decode()
    assert 'hx-trigger="every 3s"' not in page


def test_a_final_or_draft_document_page_does_not_poll(client, enrollment, journey):
    client.force_login(journey["handledare"])
    final = builders.rendered_plan({**journey, "enrollment": enrollment})
    for document in (final, services.document_correct(document=final, by=journey["handledare"])):
        page = client.get(reverse("participants:document_detail", args=[document.public_id])).content.decode()
        assert "every 3s" not in page


def test_a_plain_request_is_sent_to_the_document_page(client, pending, journey):
    client.force_login(journey["handledare"])
    response = client.get(poll_url(pending))
    assert response.status_code == 302
    assert response.url == reverse("participants:document_detail", args=[pending.public_id])


def test_who_may_poll(client, pending, journey):
    """The referrer is given the plan (delivered when it was finalised); an outsider gets 404."""
    from tests.factories import ReferrerFactory

    client.force_login(journey["referrer"])
    assert client.get(poll_url(pending), headers=HX).status_code == 200
    client.force_login(ReferrerFactory())
    assert client.get(poll_url(pending), headers=HX).status_code == 404
    client.logout()
    response = client.get(poll_url(pending), headers=HX)
    assert response.status_code == 204  # htmx is told to open the login page (HX-Redirect)
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_a_poll_costs_the_same_queries_whatever_the_document_holds(
    client, pending, journey, django_assert_num_queries, django_assert_max_num_queries
):
    """Session, user, the document, two access checks, the session's save: a handful, and constant."""
    client.force_login(journey["handledare"])
    client.get(poll_url(pending), headers=HX)
    with django_assert_max_num_queries(8) as first:
        client.get(poll_url(pending), headers=HX)
    services.document_share(document=pending, recipients=[journey["koordinator"]], by=journey["handledare"])
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(poll_url(pending), headers=HX)
