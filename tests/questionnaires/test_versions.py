"""Publishing freezes a version; a new version copies it and leaves earlier answers untouched."""

from __future__ import annotations

import pytest
from django.utils import timezone

from ist.errors import NotAllowedNow
from ist.questionnaires import reference, services
from ist.questionnaires.models import (
    Answer,
    FrozenVersion,
    Option,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db


def published() -> QuestionnaireVersion:
    return Questionnaire.objects.get(name=reference.EXAMPLE).versions.get(number=1)


def test_a_published_version_refuses_every_change(users) -> None:
    version = published()
    question = version.questions.get(order=1)
    option = Option.objects.get(question=question, order=1)
    question.text = "Ändrad"
    with pytest.raises(FrozenVersion):
        question.save()
    option.label = "Ändrad"
    with pytest.raises(FrozenVersion):
        option.save()
    with pytest.raises(FrozenVersion):
        option.delete()
    with pytest.raises(FrozenVersion):
        Question.objects.filter(version=version).update(text="Ändrad")
    with pytest.raises(FrozenVersion):
        Option.objects.filter(question__version=version).update(positive=False)
    with pytest.raises(FrozenVersion):
        Question(version=version, order=99, text="Ny", answer_type="fritext").save()
    with pytest.raises(FrozenVersion):
        Option.objects.filter(question__version=version).delete()
    assert not Question.objects.filter(text="Ändrad").exists()


def test_a_new_version_copies_the_draft_and_leaves_old_answers_untouched(journey) -> None:
    version = published()
    old = builders.example_answer(journey["enrollment"], 5, 4, timezone.localdate())
    old_answers = list(Answer.objects.filter(response=old).values_list("question_id", "option_id", "option__label"))
    draft = services.version_new_draft(questionnaire=version.questionnaire, by=journey["administrator"])
    assert (draft.number, draft.published) == (2, False)
    assert [q.text for q in draft.questions.all()] == [q.text for q in version.questions.all()]
    # The draft can change; the old version cannot.
    first = draft.questions.get(order=1)
    first.text = "Hur mycket har stödet hjälpt dig?"
    first.save()
    Option.objects.filter(question=first, value=1).update(label="Inte alls")
    assert services.version_new_draft(questionnaire=version.questionnaire, by=journey["administrator"]) == draft
    assert services.version_publish(version=draft, by=journey["administrator"]) is True
    assert services.version_publish(version=draft, by=journey["administrator"]) is False  # twice: nothing
    new = builders.example_answer(journey["enrollment"], 1, 1, timezone.localdate())
    assert new.version == draft
    old.refresh_from_db()
    assert old.version == version
    assert list(Answer.objects.filter(response=old).values_list("question_id", "option_id", "option__label")) == (
        old_answers
    )
    assert version.questions.get(order=1).text == "Hur stor nytta har du haft av stödet i IST?"
    assert Response.objects.count() == 2


def test_publishing_needs_questions_with_options(users) -> None:
    questionnaire = Questionnaire.objects.create(name="Tom", respondent_group="personal")
    draft = services.version_new_draft(questionnaire=questionnaire, by=users["administrator"])
    with pytest.raises(NotAllowedNow):
        services.version_publish(version=draft, by=users["administrator"])
    Question.objects.create(version=draft, order=1, text="Bra?", answer_type="ett_val")
    with pytest.raises(NotAllowedNow):
        services.version_publish(version=draft, by=users["administrator"])
    assert not QuestionnaireVersion.objects.get(pk=draft.pk).published


def test_the_admin_refuses_a_question_in_a_published_version_beside_the_form(users, client) -> None:
    from django.urls import reverse

    version = published()
    client.force_login(users["administrator"])
    response = client.post(
        reverse("admin:questionnaires_question_add"),
        {
            "version": version.pk,
            "order": 9,
            "text": "En ny fråga",
            "help_text": "",
            "answer_type": "fritext",
            "required": "on",
            "options-TOTAL_FORMS": "0",
            "options-INITIAL_FORMS": "0",
            "options-MIN_NUM_FORMS": "0",
            "options-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 200
    assert "Versionen är publicerad och kan inte ändras." in response.content.decode()
    assert not Question.objects.filter(text="En ny fråga").exists()
