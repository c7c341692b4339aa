"""Protected identity crawled as every role: no name or personnummer of a flagged person on any page,
htmx fragment, PDF, e-mail or export for those who may not see it (docs/decisions/0019).

A small world in IST Halmstad/Hylte: a participant with a referral on a samverkansteam agenda, a named
konsultativ fråga about them, a handlingsplan delivered to the referrer and to a party at
Arbetsförmedlingen — then the person is flagged. Every account crawls from the start page (as in
tests/demo/test_crawl.py) plus the addresses a role could know from before the flag (the document, the
participant page, the referral, the question), and every page, fragment and download is searched for
the name and the number. The responsible handledare and the team's coordinator must still see them
(else the check proves nothing). The referrer wrote the referral and asked the question before the
handledare set the flag: their own referral and question pages show what they typed, as before (a
flag they did not set changes nothing they see there; tests/referrals/test_protected_probe.py);
everything else (the participant page, the document, the agenda) is crawled for them as for anyone.
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ist.messaging.registry import deliver
from participants.documents import services as document_services
from participants.documents.emails import DOCUMENT_READY
from participants.documents.inputs import DocumentContent
from participants.documents.models import Delivery
from participants.privacy import identity_set
from referrals import services as referral_services
from referrals.models import Organisation
from reports import participant_export
from reports.statistics import Period
from tests.demo.test_crawl import PageParser, internal_url
from tests.factories import OrganisationFactory, ReferrerFactory, member
from tests.participants.documents import builders as document_builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db]

MAX_PAGES = 80
# Loggkontroll is for coordinators and administrators, who may see the person there (the decision).
MAY_SEE_IN_LOG = ("/logg/",)


def secrets_of(participant) -> list[str]:
    pnr = participant.personnummer
    return [participant.last_name, f"{participant.first_name} {participant.last_name}", pnr, f"{pnr[:8]}-{pnr[8:]}"]


def _leaks(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text]


# Request headers: the page, and the fragment htmx would fetch.
PAGE_AND_FRAGMENT: tuple[dict[str, Any], ...] = ({}, {"HTTP_HX_REQUEST": "true"})


def crawl(client: Client, start: list[str], secrets: list[str], skip: tuple[str, ...] = ()) -> tuple[list[str], int]:
    """Visit pages breadth-first from `start`; return the leaks found and the number of pages seen."""
    queue, seen, leaks, pages = deque(start), set(start), [], 0
    while queue and pages < MAX_PAGES:
        url = queue.popleft()
        for headers in PAGE_AND_FRAGMENT:  # the page, and the fragment htmx would fetch
            response = client.get(url, **headers)
            pages += 1
            body = b"".join(response) if response.streaming else response.content
            text = body.decode("utf-8", errors="replace")
            if response.get("Content-Type", "").startswith("application/pdf"):
                text = pdf_text(body)
            if not url.startswith(skip):
                leaks += [f"{url}{' (htmx)' if headers else ''}: {leak}" for leak in _leaks(text, secrets)]
            if headers or not response.get("Content-Type", "").startswith("text/html"):
                continue
            parser = PageParser()
            parser.feed(text)
            for href in parser.links:
                target = internal_url(href, url)
                if target and target not in seen and not target.startswith(("/konto/logout/", "/sprak/", "/admin/")):
                    seen.add(target)
                    queue.append(target)
    return leaks, pages


def pdf_text(content: bytes) -> str:
    import io

    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages).split())


@pytest.fixture
def protected_world(journey):
    coordinator, handledare, referrer = journey["koordinator"], journey["handledare"], journey["referrer"]
    enrollment = journey["enrollment"]
    participant = enrollment.participant
    party = ReferrerFactory(organisation=OrganisationFactory(kind=Organisation.Kind.AF, name="Arbetsförmedlingen"))
    plan = document_builders.final_plan(enrollment, handledare, recipients=[party])
    document_services.document_render(document_id=plan.pk)
    meeting = enrollment.referral.agenda_items.get().meeting  # the referral was decided on its agenda
    question = referral_services.question_ask(
        asked_by=referrer,
        team=enrollment.team,
        question="Hur stöttar vi bäst?",
        personnummer=participant.personnummer,
        person_name=f"{participant.first_name} {participant.last_name}",
        consent_given=True,
        consent_date=timezone.localdate() - timedelta(days=1),
    )
    referral_services.agenda_add(meeting=meeting, question=question, by=coordinator)
    identity_set(participant=participant, protected=True, by=handledare)
    known = [
        reverse("participants:detail", args=[enrollment.pk]),
        reverse("participants:document_download", args=[plan.public_id]),
        reverse("participants:document_detail", args=[plan.public_id]),
        reverse("referrals:detail", args=[enrollment.referral_id]),
        reverse("referrals:question", args=[question.pk]),
        reverse("referrals:meeting", args=[meeting.pk]),
        reverse("referrals:minutes", args=[meeting.pk]),
        reverse("participants:shared_documents"),
        reverse("participants:list"),
        reverse("referrals:mine"),
    ]
    authored = (
        reverse("referrals:detail", args=[enrollment.referral_id]),
        reverse("referrals:question", args=[question.pk]),
        reverse("referrals:mine"),
        reverse("referrals:questions"),
    )
    return {
        **journey,
        "party": party,
        "plan": plan,
        "known": known,
        "authored": authored,
        "colleague": member("handledare"),
    }


@pytest.mark.parametrize("role", ["samverkansteam", "referrer", "party", "colleague", "administrator", "steering"])
def test_no_page_fragment_or_pdf_names_a_protected_person_to_those_who_may_not_see_them(protected_world, role):
    client = Client(raise_request_exception=False)
    client.force_login(protected_world[role])
    secrets = secrets_of(protected_world["enrollment"].participant)
    skip = {"administrator": MAY_SEE_IN_LOG, "referrer": protected_world["authored"]}.get(role, ())
    leaks, pages = crawl(client, ["/", *protected_world["known"]], secrets, skip)
    assert pages > len(protected_world["known"])
    assert leaks == []


def test_the_referrer_still_reads_what_they_wrote_and_nothing_else(protected_world):
    """The pages the crawl leaves out for the referrer are exactly their own, and show what they typed."""
    client = Client()
    client.force_login(protected_world["referrer"])
    participant = protected_world["enrollment"].participant
    for url in protected_world["authored"][:3]:
        html = client.get(url).content.decode()
        assert participant.last_name in html, url
        assert "Skyddad person" not in html, url
    assert client.get(protected_world["known"][0]).status_code == 404  # the participant page
    assert client.get(protected_world["known"][1]).status_code == 404  # the document


@pytest.mark.parametrize("role", ["handledare", "koordinator"])
def test_those_who_work_with_the_person_still_see_them(protected_world, role):
    client = Client()
    client.force_login(protected_world[role])
    participant = protected_world["enrollment"].participant
    html = client.get(reverse("participants:detail", args=[protected_world["enrollment"].pk])).content.decode()
    assert participant.last_name in html
    assert client.get(protected_world["known"][1]).status_code == 200  # the stored PDF


def test_no_e_mail_or_export_names_a_protected_person(protected_world, django_capture_on_commit_callbacks):
    enrollment, handledare = protected_world["enrollment"], protected_world["handledare"]
    secrets = secrets_of(enrollment.participant)
    mail.outbox.clear()
    # a report back finalised after the flag: delivered to nobody, no e-mail
    report = document_services.document_start(enrollment=enrollment, kind="report", by=handledare)
    document_services.document_save_draft(
        document=report,
        by=handledare,
        expected_revision=report.revision,
        content=DocumentContent.of(report, progress="Går framåt.", assessment="Enligt plan.", next_steps="Fortsätta."),
    )
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False):
        document_services.document_finalise(
            document=report, by=handledare, expected_revision=report.revision, recipients=[protected_world["party"]]
        )
        document_services.document_render(document_id=report.pk)
    assert not Delivery.objects.filter(document=report).exists()
    for delivery in Delivery.objects.filter(document__enrollment=enrollment):
        deliver(DOCUMENT_READY, delivery.pk)
    assert mail.outbox == []
    # the administrators' participant-level export leaves the person out
    today = timezone.localdate()
    period = Period(start=today - timedelta(days=400), end=today)  # the closed stay is in it too
    rows = [participant_export.row(e) for e in participant_export.enrollments(period)]
    assert rows  # the export has rows: the check below reads real content
    assert _leaks(str(rows), secrets) == []
