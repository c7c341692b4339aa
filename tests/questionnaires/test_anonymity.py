"""Anonymous answers: no join from an anonymous answer to a person, an enrolment, a user or the link it came
through, in any model field, and nothing of them in any export but counts."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ist.questionnaires import reference, services
from ist.questionnaires.forms import field_name
from ist.questionnaires.models import Answer, AnswerLink, How, Invitation, Response
from participants.models import Enrollment, Participant
from referrals.models import Referral
from teams.models import User
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db

PERSONAL = {Participant, Enrollment, User, Referral, Invitation, AnswerLink}
MARK = "HEMLIGT-FRITEXTSVAR"


def reachable(model: type[models.Model], skip: set[tuple[type[models.Model], str]]) -> set[type[models.Model]]:
    """Every model reached from `model` by following forward relations (foreign keys, one-to-one, many-to-many)."""
    seen: set[type[models.Model]] = set()
    todo = [model]
    while todo:
        current = todo.pop()
        for field in current._meta.get_fields():
            if not (field.is_relation and field.concrete) or (current, field.name) in skip:
                continue
            target = field.related_model
            if isinstance(target, type) and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def test_no_model_field_leads_from_an_answer_to_a_person() -> None:
    # The one way is Response.enrollment, which the database keeps empty on anonymous answers (next test).
    skip: set[tuple[type[models.Model], str]] = {(Response, "enrollment")}
    assert reachable(Response, skip) & PERSONAL == set()
    assert reachable(Answer, skip) & PERSONAL == set()
    # Nor does anything point at an answer except its own rows.
    pointing = {
        (model.__name__, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model in (Response, Answer)
    }
    assert pointing == {("Answer", "response")}


def test_the_database_refuses_an_anonymous_answer_with_a_person(journey) -> None:
    version = builders.version_of(reference.EXAMPLE)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            version=version,
            team=journey["enrollment"].team,
            respondent_group="deltagare_pagaende",
            month=timezone.localdate().replace(day=1),
            how=How.LINK,
            identified=False,
            enrollment=journey["enrollment"],
        )


def test_an_anonymous_answer_through_a_link_keeps_only_team_month_and_group(journey) -> None:
    enrollment = journey["enrollment"]
    version = builders.version_of(reference.EXAMPLE)
    invitation = services.invitation_create(
        enrollment=enrollment,
        version=version,
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=journey["handledare"],
    )
    token = services.link_create(invitation=invitation)
    text_question = next(q for q in version.questions.all() if not q.has_options)
    answers = [*builders.scale_answers(version, [5, 4])]
    from ist.questionnaires.inputs import AnswerInput

    answers.append(AnswerInput(question_id=text_question.pk, text=MARK))
    response = services.answer_by_link(token=token, answers=answers)
    assert response is not None
    values = Response.objects.filter(pk=response.pk).values().get()
    assert values["enrollment_id"] is None
    assert values["answered_on"] is None
    assert values["identified"] is False
    identifying = {enrollment.pk, enrollment.participant_id, invitation.pk, journey["handledare"].pk}
    assert {k: v for k, v in values.items() if k.endswith("_id") and k not in ("version_id", "team_id")} == {
        "enrollment_id": None
    }
    assert values["version_id"] == version.pk
    assert values["team_id"] == enrollment.team_id
    assert isinstance(values["id"], type(response.pk))
    assert values["id"] not in identifying
    assert values["month"] == timezone.localdate().replace(day=1)


def exports(journey) -> dict[str, bytes]:
    """Every export a coordinator can take of the period and team, and the person's own pages."""
    coordinator = Client()
    coordinator.force_login(journey["koordinator"])
    today = timezone.localdate()
    query = {
        "fran": today.replace(month=1, day=1).isoformat(),
        "till": today.isoformat(),
        "team": journey["enrollment"].team_id,
    }
    result = {
        "statistik": coordinator.get(reverse("reports:statistics"), query).content,
        "csv": coordinator.get(reverse("reports:statistics_csv"), query).content,
        "deltagarexport": coordinator.get(reverse("reports:participant_export"), query).content,
        "deltagarsida": coordinator.get(reverse("participants:detail", args=[journey["enrollment"].pk])).content,
    }
    xlsx = coordinator.get(reverse("reports:statistics_xlsx"), query).content
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:
        result["xlsx"] = b"".join(book.read(name) for name in book.namelist() if name.endswith(".xml"))
    return result


def test_no_export_shows_an_anonymous_answer_other_than_as_a_count(journey) -> None:
    enrollment = journey["enrollment"]
    version = builders.version_of(reference.EXAMPLE)
    text_question = next(q for q in version.questions.all() if not q.has_options)
    data = {}
    for answer in builders.scale_answers(version, [5, 4]):
        data[field_name(next(q for q in version.questions.all() if q.pk == answer.question_id))] = str(
            answer.option_ids[0]
        )
    data[field_name(text_question)] = MARK
    invitation = services.invitation_create(
        enrollment=enrollment,
        version=version,
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=journey["handledare"],
    )
    token = services.link_create(invitation=invitation)
    assert Client().post(reverse("questionnaires:answer", args=[token]), data).status_code == 302
    found = exports(journey)
    assert b"Deltagarnas r" in found["statistik"]  # the section is there, as counts
    for name, content in found.items():
        assert MARK.encode() not in content, name
    # The participant page says nothing of the anonymous answer (only identified self-assessments are listed).
    history = found["deltagarsida"].decode().split('id="enkater"')[1].split("Steg mot arbete över tid")[1]
    assert reference.EXAMPLE not in history
