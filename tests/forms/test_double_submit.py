"""A double click on PostgreSQL: two identical POSTs of every creation form at the same moment
(two threads, two connections, released by a barrier) make one row, and neither answer is a
server error; both show the result of the one submit (ist/idempotency.py)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from participants.models import Activity, ActivityKind, Enrollment, GroupSession
from referrals.models import ConsultativeQuestion, InformationMeeting, Referral, TeamMeeting
from tests.databases import postgresql_only, seed_reference_data
from tests.factories import team
from tests.participants.test_views_enrolment import enrol_data
from tests.participants.test_views_week import activity_post, group_post, past_monday
from tests.referrals import builders
from tests.referrals.test_views_referrer import form_post
from tests.referrals.test_views_triage import register_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True), postgresql_only]


@pytest.fixture
def users_db(transactional_db, request) -> dict[str, Any]:
    """One user per role (tests/conftest.py build_users): all a form that starts something new needs."""
    seed_reference_data()  # the transactional database starts empty
    return request.getfixturevalue("users")


@pytest.fixture
def world_db(transactional_db, request) -> dict[str, Any]:
    """`journey`: for the forms about an enrolment or a referral ready for one."""
    seed_reference_data()
    return request.getfixturevalue("journey")


def post_together(user: Any, url: str, data: dict[str, Any]) -> list[Any]:
    """POST `data` to `url` twice at the same moment as `user` (two clients: two connections)."""
    clients = []
    for _ in range(2):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(2)
    responses: list[Any] = []

    def run(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            responses.append(client.post(url, data))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(responses) == 2, "a request did not finish"
    return responses


def assert_once(responses: list[Any], rows: Callable[[], int], before: int) -> None:
    statuses = sorted(r.status_code for r in responses)
    assert all(status < 500 for status in statuses), statuses
    assert rows() == before + 1
    # Both answers are the first submit's result (the same redirect), not a refusal of the second.
    assert len({(r.status_code, r.get("Location")) for r in responses}) == 1, [
        (r.status_code, r.get("Location")) for r in responses
    ]


def test_consultative_question_posted_twice_at_once_is_asked_once(users_db) -> None:
    data = {"team": team().pk, "question": "Kan ni ta emot en person som …?", "form_token": str(uuid.uuid4())}
    before = ConsultativeQuestion.objects.count()
    responses = post_together(users_db["referrer"], reverse("referrals:question_new"), data)
    assert_once(responses, ConsultativeQuestion.objects.count, before)


def test_referral_draft_saved_twice_at_once_is_one_draft(users_db) -> None:
    data = form_post(action="save")
    before = Referral.objects.count()
    responses = post_together(users_db["referrer"], reverse("referrals:new"), data)
    assert_once(responses, Referral.objects.count, before)


def test_paper_referral_registered_twice_at_once_is_one_referral(users_db) -> None:
    before = Referral.objects.count()
    responses = post_together(users_db["koordinator"], reverse("referrals:register"), register_data())
    assert_once(responses, Referral.objects.count, before)


def test_meeting_created_twice_at_once_is_one_meeting(users_db) -> None:
    day = timezone.localdate() + timedelta(days=10)
    data = {"team": team().pk, "date": day.isoformat(), "start_time": "13:30", "place": "Rådhuset"}
    data["form_token"] = str(uuid.uuid4())
    before = TeamMeeting.objects.count()
    responses = post_together(users_db["koordinator"], reverse("referrals:meeting_new"), data)
    assert_once(responses, TeamMeeting.objects.count, before)


def test_information_meeting_booked_twice_at_once_is_one_booking(users_db) -> None:
    coordinator = users_db["koordinator"]
    referral = builders.accepted(builders.submitted(users_db["referrer"]), coordinator)
    data = {
        "date": (timezone.localdate() + timedelta(days=5)).isoformat(),
        "start_time": "10:00",
        "place": "IST-kontoret, Halmstad",
        "attendees": [coordinator.pk],
        "referrer_invited": "on",
        "form_token": str(uuid.uuid4()),
    }
    url = reverse("referrals:info_meeting_new", kwargs={"referral_pk": referral.pk})
    before = InformationMeeting.objects.count()
    responses = post_together(coordinator, url, data)
    assert_once(responses, InformationMeeting.objects.count, before)


def test_activity_logged_twice_at_once_is_logged_once(world_db) -> None:
    enrollment = world_db["enrollment"]
    data = activity_post(kind=ActivityKind.PHYSICAL, form_token=str(uuid.uuid4()))
    url = reverse("participants:log", kwargs={"enrollment_pk": enrollment.pk})
    before = Activity.objects.count()
    responses = post_together(world_db["handledare"], url, data)
    assert_once(responses, Activity.objects.count, before)


def test_group_session_logged_twice_at_once_is_one_session(world_db) -> None:
    enrollment = world_db["enrollment"]
    data = group_post({enrollment.pk: "present"}, day=past_monday())
    before = GroupSession.objects.count(), Activity.objects.count()
    responses = post_together(world_db["handledare"], reverse("participants:group"), data)
    assert_once(responses, GroupSession.objects.count, before[0])
    assert Activity.objects.count() == before[1] + 1  # one attendance row, not two


def test_enrolment_sent_twice_at_once_enrols_once(world_db) -> None:
    referral = world_db["ready"]
    url = reverse("participants:enroll", kwargs={"referral_pk": referral.pk})
    before = Enrollment.objects.count()
    responses = post_together(world_db["koordinator"], url, enrol_data(world_db["handledare"]))
    assert_once(responses, Enrollment.objects.count, before)
