"""Handing out and answering: the one-time link page, deltagarläge, paper, and the participant page's panel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ist.questionnaires import reference, services
from ist.questionnaires.models import Answer, AnswerLink, How, Invitation, Questionnaire, Response
from ist.reminders.models import Kind, Notification
from ist.reminders.sweeps import sweep
from tests.questionnaires import builders

pytestmark = pytest.mark.django_db


def q(name: str) -> Questionnaire:
    return Questionnaire.objects.get(name=name)


def hand_out_url(enrollment, questionnaire) -> str:
    return reverse("questionnaires:hand_out", args=[enrollment.pk, questionnaire.pk])


def answer_data(version, steps) -> dict[str, str]:
    from ist.questionnaires.forms import field_name

    data = {}
    for answer in builders.scale_answers(version, steps):
        data[f"fraga_{answer.question_id}"] = str(answer.option_ids[0])
    return data | {field_name(question): "" for question in version.questions.all() if not question.has_options}


def test_link_page_shows_a_qr_code_and_a_link_that_answers_once(journey, client) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    client.force_login(handledare)
    response = client.post(hand_out_url(enrollment, q(reference.EXAMPLE)), {"how": How.LINK})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<svg" in page
    found = re.search(r'href="https?://[^/"]+(/enkat/svara/[^"]+/)"', page)
    assert found is not None
    path = found.group(1)
    # The respondent: no account, no personal data on the page.
    respondent = Client()
    form = respondent.get(path)
    assert form.status_code == 200
    assert enrollment.participant.last_name not in form.content.decode()
    assert "Huvudmeny" not in form.content.decode()
    version = builders.version_of(reference.EXAMPLE)
    done = respondent.post(path, answer_data(version, [5, 4]))
    assert done.status_code == 302
    assert done["Location"] == reverse("questionnaires:thanks")
    saved = Response.objects.get(version=version)
    assert (saved.identified, saved.enrollment_id, saved.answered_on) == (False, None, None)
    assert saved.team_id == enrollment.team_id
    assert saved.month == timezone.localdate().replace(day=1)
    # Used once: the second time the link does not work and nothing more is stored.
    again = respondent.post(path, answer_data(version, [1, 1]))
    assert again.status_code == 404
    assert "Länken gäller inte längre" in again.content.decode()
    assert Response.objects.filter(version=version).count() == 1


def test_a_missing_answer_keeps_what_was_chosen_and_says_so_in_swedish(journey) -> None:
    invitation = services.invitation_create(
        enrollment=journey["enrollment"],
        version=builders.version_of(reference.EXAMPLE),
        rule=None,
        occasion=timezone.localdate(),
        how=How.LINK,
        by=journey["handledare"],
    )
    token = services.link_create(invitation=invitation)
    version = builders.version_of(reference.EXAMPLE)
    data = answer_data(version, [5])  # the second required question left out
    response = Client().post(reverse("questionnaires:answer", args=[token]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Svara på frågan, tack." in page
    assert f'value="{next(iter(data.values()))}" checked' in page or "checked" in page
    assert not Response.objects.exists()
    assert AnswerLink.objects.get().used_at is None


def test_participant_mode_signs_the_handledare_out_and_ends_on_a_locked_screen(journey, client) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    client.force_login(handledare)
    response = client.post(hand_out_url(enrollment, q(reference.STEPS)), {"how": How.PARTICIPANT_MODE})
    assert response.status_code == 302
    assert response["Location"] == reverse("questionnaires:participant_mode")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("questionnaires:participant_mode")).content.decode()
    assert "Steg mot arbete" in page
    assert enrollment.participant.last_name not in page
    assert "Huvudmeny" not in page
    # Nothing else is reachable: the participant page asks for a login.
    assert client.get(reverse("participants:detail", args=[enrollment.pk]))["Location"].startswith(reverse("login"))
    version = builders.version_of(reference.STEPS)
    done = client.post(reverse("questionnaires:participant_mode"), answer_data(version, [4, 3]))
    assert done["Location"] == reverse("questionnaires:locked")
    locked = client.get(done["Location"]).content.decode()
    assert "Handledare: logga in för att fortsätta" in locked
    assert f"next=%2Fdeltagare%2F{enrollment.pk}%2F" in locked
    saved = Response.objects.get()
    assert saved.identified
    assert saved.enrollment_id == enrollment.pk
    assert saved.how == How.PARTICIPANT_MODE
    # Back on the form: it is gone, the locked screen again.
    assert client.get(reverse("questionnaires:participant_mode"))["Location"] == reverse("questionnaires:locked")


def test_paper_entry_is_marked_and_a_double_submit_stores_once(journey, client) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    version = builders.version_of(reference.EXAMPLE)
    url = reverse("questionnaires:paper", args=[enrollment.pk, version.questionnaire_id])
    assert client.get(url).status_code == 200
    data = answer_data(version, [4, 3]) | {
        "answered_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "form_token": "6f1c3a52-6d35-4d52-9b8c-0d0b8b3f2a11",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    saved = Response.objects.get()
    assert saved.how == How.PAPER
    assert saved.enrollment_id is None
    assert Answer.objects.filter(response=saved).count() == 2


def test_paper_entry_with_a_future_date_keeps_the_answers(journey, client) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    version = builders.version_of(reference.EXAMPLE)
    url = reverse("questionnaires:paper", args=[enrollment.pk, version.questionnaire_id])
    data = answer_data(version, [4, 3]) | {"answered_on": (timezone.localdate() + timedelta(days=2)).isoformat()}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Datumet kan inte vara i framtiden." in response.content.decode()
    assert "checked" in response.content.decode()
    assert not Response.objects.exists()


def test_handing_out_a_due_questionnaire_resolves_it_in_att_gora(journey, client) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    enrollment.start_date = timezone.localdate() - timedelta(days=3)
    enrollment.save(update_fields=["start_date"])
    sweep("questionnaires")
    item = Notification.objects.get(recipient=handledare, kind=Kind.QUESTIONNAIRE_DUE, subject_id=enrollment.pk)
    assert reference.STEPS in item.title
    assert "Greta" not in item.title
    client.force_login(handledare)
    page = client.get(reverse("participants:detail", args=[enrollment.pk])).content.decode()
    assert "Att lämna ut nu" in page
    rule = q(reference.STEPS).due_rules.get(trigger="inskrivning")
    client.post(
        hand_out_url(enrollment, q(reference.STEPS)),
        {"how": How.LINK, "rule": rule.pk, "occasion": enrollment.start_date.isoformat()},
    )
    assert Invitation.objects.get().rule_id == rule.pk
    item.refresh_from_db()
    assert item.state == Notification.State.RESOLVED


def test_the_handledare_sees_the_progression_as_a_chart_and_a_table_and_the_read_is_logged(
    journey, client, django_assert_max_num_queries
) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    today = timezone.localdate()
    for months, step in [(9, 2), (6, 3), (3, 3), (0, 5)]:
        builders.self_assessment(enrollment, step, today - timedelta(days=30 * months))
    client.force_login(handledare)
    url = reverse("participants:detail", args=[enrollment.pk])
    response = client.get(url)
    page = response.content.decode()
    assert 'class="progression-chart"' in page
    assert "<circle" in page
    table = page[page.index('class="progression-table"') :]
    assert [int(s) for s in re.findall(r"<td>(\d)</td>", table)[:4]] == [2, 3, 3, 5]
    read = LogEntry.objects.get(actor=handledare, additional_data__what="självskattning")
    assert read.object_pk == str(enrollment.pk)
    assert read.additional_data["person"] == f"pnr:{enrollment.participant.personnummer}"
    # Constant queries: more answers, the same count.
    for step in (4, 5, 6):
        builders.self_assessment(enrollment, step, today)
    with django_assert_max_num_queries(_count(client, url)):
        client.get(url)


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_others_on_the_team_do_not_see_the_self_assessment(journey, client) -> None:
    from tests.factories import member

    enrollment = journey["enrollment"]
    builders.self_assessment(enrollment, 3, timezone.localdate())
    colleague = member("handledare")
    client.force_login(colleague)
    page = client.get(reverse("participants:detail", args=[enrollment.pk])).content.decode()
    assert "progression-table" not in page
    assert "Enkäter och självskattning" not in page


def test_an_e_mailed_link_goes_through_the_outbox_and_is_made_when_sent(journey, client, mailoutbox) -> None:
    from ist.messaging.registry import deliver
    from ist.outbox.models import Message

    enrollment = journey["enrollment"]
    enrollment.participant.email = "greta@example.org"
    enrollment.participant.save(update_fields=["email"])
    client.force_login(journey["handledare"])
    response = client.post(hand_out_url(enrollment, q(reference.EXAMPLE)), {"how": "epost"})
    assert response.status_code == 302
    message = Message.objects.get(name="questionnaires.link")
    assert not AnswerLink.objects.exists()  # the token is made by the worker, into the e-mail only
    assert not mailoutbox
    invitation = Invitation.objects.get()
    assert message.args == [invitation.pk]
    assert deliver("questionnaires.link", invitation.pk) == 1
    body = mailoutbox[0].body
    assert mailoutbox[0].to == ["greta@example.org"]
    assert enrollment.participant.last_name not in body
    path = re.search(r"https?://[^/\s]+(/enkat/svara/\S+/)", body)
    assert path is not None
    assert Client().get(path.group(1)).status_code == 200


def test_no_address_no_e_mail_and_a_message_says_why(journey, client) -> None:
    from ist.outbox.models import Message

    enrollment = journey["enrollment"]
    enrollment.participant.email = ""
    enrollment.participant.save(update_fields=["email"])
    client.force_login(journey["handledare"])
    response = client.post(hand_out_url(enrollment, q(reference.EXAMPLE)), {"how": "epost"}, follow=True)
    assert "Det finns ingen e-postadress att skicka länken till." in response.content.decode()
    assert not Message.objects.filter(name="questionnaires.link").exists()
    assert not Invitation.objects.exists()
