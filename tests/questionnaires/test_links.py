"""One-time links: random, stored hashed, used once, expiring."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ist.questionnaires import reference, services
from ist.questionnaires.models import AnswerLink, How, Response
from tests.databases import postgresql_only
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db


def a_link(journey, **kwargs):
    version = builders.version_of(reference.EXAMPLE)
    invitation = services.invitation_create(
        enrollment=journey["enrollment"],
        version=version,
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=journey["handledare"],
    )
    return version, invitation, services.link_create(invitation=invitation, **kwargs)


def test_the_token_is_random_and_only_its_hash_is_stored(journey) -> None:
    _version, _invitation, token = a_link(journey)
    _v, _i, other = a_link(journey)
    assert token != other
    assert len(token) >= 32
    stored = AnswerLink.objects.values_list("token_hash", flat=True)
    assert token not in stored
    assert services.token_hash(token) in stored


def test_a_link_answers_once(journey) -> None:
    version, _invitation, token = a_link(journey)
    answers = builders.scale_answers(version, [4, 3])
    assert services.answer_by_link(token=token, answers=answers) is not None
    assert services.answer_by_link(token=token, answers=answers) is None
    assert services.link_valid(token) is None
    assert Response.objects.count() == 1


def test_an_expired_link_answers_nothing(journey) -> None:
    version, _invitation, token = a_link(journey, days=1)
    AnswerLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.link_valid(token) is None
    assert services.answer_by_link(token=token, answers=builders.scale_answers(version, [4, 3])) is None
    assert not Response.objects.exists()


def test_a_new_link_for_the_same_hand_out_ends_the_unused_one(journey) -> None:
    _version, invitation, first = a_link(journey)
    second = services.link_create(invitation=invitation)
    assert services.link_valid(first) is None
    assert services.link_valid(second) is not None


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_once_store_one_answer(journey) -> None:
    version, _invitation, token = a_link(journey)
    answers = builders.scale_answers(version, [4, 3])
    results = []

    def submit() -> None:
        try:
            results.append(services.answer_by_link(token=token, answers=answers))
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r is not None for r in results) == 1
    assert Response.objects.count() == 1
