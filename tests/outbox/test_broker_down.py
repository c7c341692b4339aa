"""The broker is down (a closed port): every action that starts an e-mail or a task answers as usual,
its messages wait in the outbox, and once the broker is back the relay hands each over and the real
worker (Redis) sends every e-mail once and runs every task once.

Transactional: the on-commit attempt runs inside the request, as in production, which is where a
broker error used to turn a committed save into a 500."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.http import HttpResponseBase
from django.urls import reverse
from django.utils import timezone

from ist.outbox import services as outbox
from ist.outbox.models import Message
from ist.outbox.tasks import relay_outbox
from ist.reminders import sweeps
from ist.reminders.demo import seed_reminders
from ist.reminders.models import EmailDelivery
from ist.reminders.tasks import send_digests
from participants.documents import services as documents
from participants.documents.models import Contact, Document
from referrals import services as referral_services
from referrals.demo import seed_meeting_tomorrow
from referrals.models import AgendaItem, Referral
from reports.demo import seed_reports
from reports.models import ReportFile
from teams.models import Membership
from tests.factories import ReferrerFactory, UserFactory, member
from tests.health.test_tasks_integration import wait_for
from tests.participants.documents.test_views_documents import complete
from tests.participants.test_views_enrolment import enrol_data
from tests.referrals import builders

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
Status = Message.Status
CLOSED_PORT = "redis://127.0.0.1:1/0"


def ok(response: HttpResponseBase) -> bool:
    """The normal result of a POST: a redirect, or the htmx fragment."""
    return response.status_code in (200, 302)


def test_every_action_answers_while_the_broker_is_down_and_all_goes_out_once_it_is_back(
    celery_worker, client, seeded_journey, settings
) -> None:
    journey = seeded_journey
    # What building the journey sent (the broker was up) has gone out; from here on, count anew.
    assert wait_for(lambda: not Message.objects.exclude(status=Status.DONE).exists(), timeout=60)
    mail.outbox.clear()
    before = Message.objects.count()
    broker_url = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT  # the web process's relay and /healthz see it down
    settings.IST_DIGEST_WEEKDAYS = frozenset(range(1, 8))  # whatever day the test runs
    coordinator, handledare, referrer = journey["koordinator"], journey["handledare"], journey["referrer"]
    assert client.get(reverse("healthz")).status_code == 503

    client.force_login(coordinator)
    # Begär komplettering.
    waiting = builders.submitted(referrer)
    assert ok(client.post(reverse("referrals:request_info", args=[waiting.pk]), {"message": "Hur länge?"}))
    # A decision on a referral, then the information meeting of the accepted referral.
    item = journey["item"]
    decide = {f"punkt-{item.pk}-decision": "accept", f"punkt-{item.pk}-reasoning": "I målgruppen."}
    assert ok(client.post(reverse("referrals:decide", kwargs={"item_pk": item.pk}), decide))
    booking = {
        "date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "start_time": "10:00",
        "place": "IST-kontoret",
        "attendees": [coordinator.pk],
        "referrer_invited": "on",
        "form_token": "5b1f1f0e-2f55-4c55-9a55-6c8d9f0e1a11",
    }
    assert ok(client.post(reverse("referrals:info_meeting_new", kwargs={"referral_pk": item.referral_id}), booking))
    # A consultative question answered.
    question = journey["question"]
    referral_services.agenda_add(meeting=journey["meeting"], question=question, by=coordinator)
    q_item = AgendaItem.objects.get(question=question)
    answer = {f"punkt-{q_item.pk}-decision": "answered", f"punkt-{q_item.pk}-reasoning": "Kontakta FK."}
    assert ok(client.post(reverse("referrals:decide", kwargs={"item_pk": q_item.pk}), answer))
    # Enrolment and reassignment.
    assert ok(client.post(reverse("participants:enroll", args=[journey["ready"].pk]), enrol_data(handledare)))
    colleague = member(Membership.Role.HANDLEDARE)
    enrollment = journey["enrollment"]
    enrollment.refresh_from_db()
    reassign = {"responsible": colleague.pk, "second_contact": "", "version": enrollment.version}
    assert ok(client.post(reverse("participants:reassign", args=[enrollment.pk]), reassign))
    # Slutför on a handlingsplan (the render task), then the PDF made here and shared with a party
    # (the document-ready e-mails).
    client.force_login(colleague)
    draft = documents.document_start(enrollment=enrollment, kind=Document.Kind.ACTION_PLAN, by=colleague)
    detail = reverse("participants:document_detail", args=[draft.public_id])
    assert ok(client.post(detail, {**complete(draft), "action": "finalise"}))
    assert documents.document_render(document_id=draft.pk)
    party = ReferrerFactory.create()
    Contact.objects.create(enrollment=enrollment, user=party, added_by=colleague)
    party_contact = Contact.objects.get(user=party)
    share = reverse("participants:document_share", args=[draft.public_id])
    assert ok(client.post(share, {"recipients": [party_contact.pk]}))
    # Skapa rapport.
    client.force_login(UserFactory.create(is_steering_group=True))
    report_url = reverse("reports:report_request", args=["quarterly", "2026Q3"])
    assert ok(client.post(report_url, {"team": "halmstad-hylte"}))
    # The digest (beat's task, run here) and the demo triggers.
    sweeps.sweep_all()
    assert send_digests() >= 1
    seed_reports()
    seed_meeting_tomorrow()
    seed_reminders()

    # Everything waits in the outbox; nothing was sent, the backlog shows.
    waiting_rows = Message.objects.filter(status=Status.PENDING)
    keys = set(waiting_rows.values_list("key", flat=True))
    expected = {
        f"email:referral_info_requested:{waiting.pk}:",
        f"email:referral_decided:{item.referral_id}:",
        "email:info_meeting_booked:",
        f"email:question_answered:{question.pk}:",
        "email:enrolled:",
        f"email:reassigned:{enrollment.pk}:",
        f"task:render-document:{draft.pk}:finalised",
        "email:document_ready:",
        "task:build-report:",
        "task:digest:",
        "task:demo-report-sweep:",
        "task:demo-sweeps:",
    }
    missing = [prefix for prefix in expected if not any(key.startswith(prefix) for key in keys)]
    assert missing == []
    # The first on-commit attempt met the broker error; the next ones in the following seconds were
    # not made (services.BROKER_QUIET), so no request waited for the broker twice.
    assert waiting_rows.filter(relay_attempts__gte=1).exists()
    assert mail.outbox == []
    assert client.get(reverse("healthz")).json()["outbox_pending"] == len(keys) == Message.objects.count() - before

    # The broker is back: the beat task relays, the worker sends and runs.
    settings.CELERY_BROKER_URL = broker_url
    Message.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    relay_outbox.delay()
    open_rows = Message.objects.exclude(status__in=[Status.DONE, Status.FAILED])
    assert wait_for(lambda: not open_rows.exists(), timeout=90), list(open_rows.values_list("key", "status"))
    assert not Message.objects.filter(status=Status.FAILED).exists()
    delivered = Counter((m.subject, tuple(m.to)) for m in mail.outbox)
    assert max(delivered.values()) == 1  # every e-mail once
    subjects = " | ".join(str(subject) for subject, _to in delivered)
    for words in ("Komplettering behövs", "Beslut om remiss", "Informationsmöte bokat", "Svar på din fråga"):
        assert words in subjects
    for words in ("Inskrivning", "Ny deltagare", "Handlingsplan att hämta", "att göra"):
        assert words in subjects
    assert ReportFile.objects.get(scope="IST Halmstad/Hylte", label="2026Q3").status == ReportFile.Status.READY
    assert EmailDelivery.objects.filter(sent_at__isnull=False).exists()

    # A second relay (the next minute) hands nothing over again and sends nothing again.
    sent = len(mail.outbox)
    assert outbox.relay_all()["relayed"] == 0
    relay_outbox.delay()
    assert not wait_for(lambda: len(mail.outbox) > sent, timeout=3)
    assert Referral.objects.get(pk=waiting.pk).status == Referral.Status.NEEDS_INFO
