""" "Dokument": the referrers' and parties' inbox of delivered documents, new ones marked, read on
download; the e-mail that links straight to the document."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from ist.messaging.registry import deliver
from participants import privacy
from participants.documents import selectors, services
from participants.documents.emails import DOCUMENT_READY
from participants.documents.models import Delivery, Document, DocumentRead
from tests.factories import ReferrerFactory
from tests.participants import builders as journey_builders
from tests.participants.documents import builders

pytestmark = pytest.mark.django_db

INBOX = reverse("participants:document_inbox")


def download(client, document: Document):
    return client.get(reverse("participants:document_download", kwargs={"public_id": document.public_id}))


def rows(html: str) -> list[str]:
    return re.findall(r"<tr(?: class=\"document-new\")?>.*?</tr>", html, flags=re.S)[1:]  # without the header


def another_plan(journey: dict, **names: str):
    """A rendered plan of a new enrolment referred by journey["referrer"] (a second person)."""
    enrollment = journey_builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"])
    participant = enrollment.participant
    for field, value in names.items():
        setattr(participant, field, value)
    participant.save()
    builders.phase_two(enrollment, journey["handledare"])
    return builders.rendered_plan({**journey, "enrollment": enrollment})


@pytest.fixture
def plan(journey):
    builders.phase_two(journey["enrollment"], journey["handledare"])
    return builders.rendered_plan(journey)


def test_lists_new_documents_newest_first_and_download_marks_read(client, journey, plan):
    newer = another_plan(journey, first_name="Berit", last_name="Bergström")
    client.force_login(journey["referrer"])
    html = client.get(INBOX).content.decode()
    listed = rows(html)
    assert len(listed) == 2
    assert newer.reference in listed[0]  # newest first
    assert plan.reference in listed[1]
    assert all('class="document-new-mark">Ny<' in row for row in listed)

    assert download(client, plan).status_code == 200
    assert DocumentRead.objects.filter(document=plan, user=journey["referrer"]).count() == 1
    listed = rows(client.get(INBOX).content.decode())
    assert 'class="document-new-mark">Ny<' in listed[0]
    assert 'class="document-new-mark">Ny<' not in listed[1]
    # A second download changes nothing of the read.
    assert download(client, plan).status_code == 200
    assert DocumentRead.objects.filter(document=plan).count() == 1


def test_reads_are_per_user(client, journey, plan):
    party = ReferrerFactory.create()
    assert party.organisation is not None
    party.organisation.kind = "fk"
    party.organisation.save()
    services.document_share(document=plan, recipients=[party], by=journey["handledare"])
    client.force_login(party)
    assert download(client, plan).status_code == 200
    client.force_login(journey["referrer"])
    assert 'class="document-new-mark">Ny<' in client.get(INBOX).content.decode()
    client.force_login(party)
    html = client.get(INBOX).content.decode()
    assert plan.reference in html
    assert 'class="document-new-mark">Ny<' not in html


def test_staff_downloads_do_not_mark_it_read_for_the_referrer(client, journey, plan):
    client.force_login(journey["handledare"])
    assert download(client, plan).status_code == 200
    assert list(selectors.inbox_for(journey["referrer"]).values_list("is_new", flat=True)) == [True]  # type: ignore[misc]  # inbox_for's annotation; the plugin cannot see it


def test_filter_by_person_name_or_personnummer(client, journey, plan):
    other = another_plan(journey, first_name="Berit", last_name="Bergström")
    client.force_login(journey["referrer"])
    html = client.get(INBOX, {"person": "bergSTRÖM"}).content.decode()
    assert other.reference in html
    assert plan.reference not in html
    personnummer = plan.enrollment.participant.personnummer
    html = client.get(INBOX, {"person": personnummer[2:8]}).content.decode()
    assert plan.reference in html
    assert other.reference not in html
    html = client.get(INBOX, {"person": "Ingen Sådan"}).content.decode()
    assert "Inga dokument om någon som matchar" in html
    assert "<select" not in html  # a text filter, never a list of every person


def test_never_a_draft_another_users_document_or_a_protected_persons(client, journey, plan):
    correction = services.document_correct(document=plan, by=journey["handledare"])  # a draft
    client.force_login(journey["referrer"])
    assert [d.pk for d in selectors.inbox_for(journey["referrer"])] == [plan.pk]
    assert correction.reference not in client.get(INBOX).content.decode()
    stranger = ReferrerFactory.create()
    client.force_login(stranger)
    assert plan.reference not in client.get(INBOX).content.decode()
    assert list(selectors.inbox_for(stranger)) == []

    privacy.identity_set(participant=plan.enrollment.participant, protected=True, by=journey["koordinator"])
    client.force_login(journey["referrer"])
    html = client.get(INBOX).content.decode()
    assert plan.reference not in html
    assert "Du har inte fått några dokument ännu." in html


def test_the_list_is_access_logged(client, journey, plan):
    client.force_login(journey["referrer"])
    client.get(INBOX)
    assert LogEntry.objects.filter(
        action=LogEntry.Action.ACCESS,
        object_pk=str(plan.pk),
        actor=journey["referrer"],
        additional_data__what="document_inbox",
    ).exists()


def test_constant_number_of_queries(client, journey, plan, django_assert_max_num_queries):
    client.force_login(journey["referrer"])
    client.get(INBOX)  # warm the session and content-type caches
    with django_assert_max_num_queries(20) as few:
        client.get(INBOX)
    for i in range(2):
        another_plan(journey, first_name=f"Fler{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(INBOX)
    assert len(rows(response.content.decode())) == 3


def test_paginates_and_keeps_the_filter(client, journey, plan, monkeypatch):
    from participants.views import delivery

    monkeypatch.setattr(delivery, "PAGE_SIZE", 1)
    another_plan(journey, first_name="Berit", last_name="Lind")
    another_plan(journey, first_name="Bo", last_name="Lind")
    client.force_login(journey["referrer"])
    html = client.get(INBOX, {"person": "Lind"}).content.decode()
    assert "Sida 1 av 2" in html
    assert "?person=Lind&amp;sida=2" in html


def test_the_email_links_straight_to_the_document(journey, plan):
    delivery = Delivery.objects.get(document=plan, recipient=journey["referrer"])
    mail.outbox.clear()
    deliver(DOCUMENT_READY, delivery.pk)
    body = mail.outbox[-1].body
    assert reverse("participants:document_download", kwargs={"public_id": plan.public_id}) in body
    assert INBOX in body
    assert plan.enrollment.participant.last_name not in body
