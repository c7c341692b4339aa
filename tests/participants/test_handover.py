"""A deactivated handledare's work: the coordinator's "Att göra" item at once, "Flytta alla" in one step."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from ist.messaging.registry import deliver
from ist.reminders.models import Kind, Notification
from participants import emails, services
from participants.models import Enrollment, EnrollmentEvent
from referrals import services as referral_services
from teams.services import user_deactivate
from tests.factories import member
from tests.participants import builders
from tests.referrals import builders as referral_builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)


@pytest.fixture
def leaver(journey):
    """A handledare responsible for two participants, second contact of a third, with an information
    meeting booked ahead — then deactivated by an administrator."""
    person = member("handledare")
    coordinator, referrer = journey["koordinator"], journey["referrer"]
    builders.enrolled(referrer, coordinator, person)
    builders.enrolled(referrer, coordinator, person, second_contact=journey["handledare"])
    builders.enrolled(referrer, coordinator, journey["handledare"], second_contact=person)
    accepted = referral_builders.accepted(referral_builders.submitted(referrer), coordinator)
    referral_services.info_meeting_book(
        referral=accepted,
        date=timezone.localdate() + timedelta(days=5),
        start_time=time(10, 0),
        place="IST",
        attendees=[person],
        by=coordinator,
    )
    user_deactivate(user=person, by=journey["administrator"])
    return person


def test_deactivation_puts_an_item_in_the_coordinators_att_gora_at_once(journey, leaver):
    item = Notification.objects.get(recipient=journey["koordinator"], kind=Kind.HANDOVER)
    assert item.state == Notification.State.OPEN
    assert item.url == reverse("participants:handover", args=[leaver.pk])
    assert "3 deltagare" in item.title
    assert "1 informationsmöte" in item.title
    assert item.due_on == timezone.localdate()
    assert not Notification.objects.filter(recipient=journey["handledare"], kind=Kind.HANDOVER).exists()


def test_flytta_alla_moves_everything_in_one_step_logs_each_and_tells_the_new_handledare_once(
    client, journey, leaver, django_capture_on_commit_callbacks
):
    new = journey["handledare"]
    client.force_login(journey["koordinator"])
    url = reverse("participants:handover", args=[leaver.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Flytta alla" in page.content.decode()
    team_id = journey["enrollment"].team_id
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url, {"team": team_id, f"team-{team_id}-to": new.pk})
    assert response.status_code == 302
    assert len(queued) == 1  # the new handledare is told once
    assert not Enrollment.objects.filter(responsible=leaver, status="active").exists()
    assert not Enrollment.objects.filter(second_contact=leaver, status="active").exists()
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.REASSIGNED, by=journey["koordinator"]).count() == 3
    # the one where the new handledare was second contact: now responsible, no second contact
    assert not Enrollment.objects.filter(responsible=new, second_contact=new).exists()
    item = Notification.objects.get(recipient=journey["koordinator"], kind=Kind.HANDOVER)
    assert item.state == Notification.State.RESOLVED
    # a double submit: nothing left, so the page is a 404 and nothing moves twice
    assert client.post(url, {"team": team_id, f"team-{team_id}-to": new.pk}).status_code == 404
    mail.outbox.clear()
    deliver(emails.REASSIGNED_MANY, new.pk)
    assert [m.to for m in mail.outbox] == [[new.email]]


def test_the_picker_offers_the_teams_handledare_only_and_refuses_others(client, journey, leaver):
    outsider = member("handledare", "laholm")
    client.force_login(journey["koordinator"])
    url = reverse("participants:handover", args=[leaver.pk])
    html = client.get(url).content.decode()
    assert outsider.get_full_name() not in html
    team_id = journey["enrollment"].team_id
    response = client.post(url, {"team": team_id, f"team-{team_id}-to": outsider.pk})
    assert response.status_code == 200
    assert Enrollment.objects.filter(responsible=leaver, status="active").count() == 2


def test_a_coordinator_of_another_team_gets_404(client, journey, leaver):
    client.force_login(member("koordinator", "laholm"))
    assert client.get(reverse("participants:handover", args=[leaver.pk])).status_code == 404


def test_the_page_asks_a_constant_number_of_queries(client, journey, leaver, django_assert_max_num_queries):
    client.force_login(journey["koordinator"])
    url = reverse("participants:handover", args=[leaver.pk])
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    builders.enrolled(journey["referrer"], journey["koordinator"], member("handledare"))
    for _ in range(3):
        builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"], second_contact=leaver)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_bulk_reassignment_skips_what_is_no_longer_held(journey, leaver):
    ids = list(Enrollment.objects.filter(responsible=leaver).values_list("pk", flat=True))
    by = journey["koordinator"]
    assert (
        len(services.reassign_many(enrollment_ids=ids, replace=leaver, by_user=journey["handledare"], by=by).moved) == 2
    )
    assert services.reassign_many(enrollment_ids=ids, replace=leaver, by_user=journey["handledare"], by=by).moved == ()


def test_unticking_active_in_the_admin_deactivates_through_the_service(client, journey):
    person = member("handledare")
    builders.enrolled(journey["referrer"], journey["koordinator"], person)
    client.force_login(journey["administrator"])
    url = reverse("admin:teams_user_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "is_active")}
    data.update(
        {
            "organisation": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert not person.is_active
    assert person.deactivated_at is not None
    assert Notification.objects.filter(recipient=journey["koordinator"], kind=Kind.HANDOVER).exists()
