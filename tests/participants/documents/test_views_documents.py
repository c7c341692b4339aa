"""The document pages: who may see and write what, saving as you type, finalising, previewing,
correcting, sharing and the participant's contacts."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from participants.documents import services
from participants.documents.models import Contact, Delivery, Document
from participants.models import EnrollmentEvent
from teams.models import Membership
from tests.factories import ReferrerFactory, member
from tests.participants.documents import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Kind, Status = Document.Kind, Document.Status
Role = Membership.Role


@pytest.fixture
def colleague():
    """A handledare of the same team who is neither responsible nor second contact: may read, not change."""
    return member(Role.HANDLEDARE)


@pytest.fixture
def draft(enrollment, journey):
    return services.document_start(enrollment=enrollment, kind=Kind.ACTION_PLAN, by=journey["handledare"])


def html(response) -> str:
    return response.content.decode()


def editor_data(document: Document, **fields: Any) -> dict[str, object]:
    """What the editor posts for `document` as saved, with `fields` changed (sub_goals: a list of rows)."""
    document.refresh_from_db()
    goals = fields.pop("sub_goals", None)
    if goals is None:
        goals = [
            {"goal": s.goal, "activities": s.activities, "responsible": s.responsible, "due_on": s.due_on or ""}
            for s in document.sub_goals.all()
        ]
    evaluations = fields.pop("evaluations", None) or [
        {"result": e.result, "comment": e.comment} for e in document.evaluations.all()
    ]
    data: dict[str, object] = {"revision": document.revision}
    for name in ("period_start", "period_end", "agreed_on"):
        value = getattr(document, name)
        data[name] = value.isoformat() if value else ""
    for name in ("direction", "goal", "support", "own_words", "progress", "changes", "summary", "recommendations"):
        data[name] = getattr(document, name)
    data["next_steps"] = document.next_steps
    if document.version > 1:
        data["change_note"] = document.change_note
    for prefix, rows in (("sg", goals), ("ev", evaluations), ("pa", document.planned_activities)):
        data[f"{prefix}-TOTAL_FORMS"] = len(rows)
        data[f"{prefix}-INITIAL_FORMS"] = len(rows)
        for i, row in enumerate(rows):
            for key, value in row.items():
                if key not in ("kind", "label"):
                    data[f"{prefix}-{i}-{key}"] = value if value is not None else ""
    data.update(fields)
    return data


def complete(document: Document) -> dict[str, object]:
    today = timezone.localdate()
    return editor_data(
        document,
        direction="work",
        goal="Få ett arbete inom växtodling – på halvtid.",
        agreed_on=today.isoformat(),
        sub_goals=[
            {
                "goal": "Åka buss på egen hand",
                "activities": "Övningsresor",
                "responsible": "participant",
                "due_on": (today + timedelta(days=60)).isoformat(),
            }
        ],
    )


# -- The participant page ---------------------------------------------------------------------


def test_the_participant_page_lists_documents_and_offers_new_ones(client, enrollment, journey):
    plan = builders.final_plan(enrollment, journey["handledare"])
    services.document_render(document_id=plan.pk)
    client.force_login(journey["handledare"])
    page = html(client.get(reverse("participants:detail", args=[enrollment.pk])))
    assert reverse("participants:document_detail", args=[plan.public_id]) in page
    assert "Slutförd" in page
    assert reverse("participants:document_new", args=[enrollment.pk, "action_plan"]) in page
    assert "Ny återrapport" in page
    assert "parties-heading" in page


def test_the_referrer_sees_only_the_final_documents_delivered_to_them(client, enrollment, journey):
    plan = builders.final_plan(enrollment, journey["handledare"])
    services.document_render(document_id=plan.pk)
    report = services.document_start(enrollment=enrollment, kind=Kind.REPORT, by=journey["handledare"])
    client.force_login(journey["referrer"])
    page = html(client.get(reverse("participants:detail", args=[enrollment.pk])))
    assert reverse("participants:document_detail", args=[plan.public_id]) in page
    assert reverse("participants:document_detail", args=[report.public_id]) not in page
    assert "Ny handlingsplan" not in page
    assert "parties-heading" not in page
    assert client.get(reverse("participants:document_detail", args=[report.public_id])).status_code == 404


def test_the_participant_page_query_count_does_not_grow_with_documents(
    client, enrollment, journey, django_assert_max_num_queries
):
    url = reverse("participants:detail", args=[enrollment.pk])
    client.force_login(journey["handledare"])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    first = len(few.captured_queries)  # read now: the connection's query log is bounded
    plan = builders.final_plan(enrollment, journey["handledare"])
    services.document_render(document_id=plan.pk)
    services.document_start(enrollment=enrollment, kind=Kind.REPORT, by=journey["handledare"])
    services.document_start(enrollment=enrollment, kind=Kind.CLOSING, by=journey["handledare"])
    services.contact_add(enrollment=enrollment, user=ReferrerFactory.create(), role="FK", by=journey["handledare"])
    with django_assert_max_num_queries(first):
        response = client.get(url)
    assert len(response.context["documents"]) == 3


# -- Starting ---------------------------------------------------------------------------------


def test_a_new_plan_is_started_by_post_and_a_second_click_opens_the_same_draft(client, enrollment, journey):
    client.force_login(journey["handledare"])
    url = reverse("participants:document_new", args=[enrollment.pk, "action_plan"])
    assert client.get(url).status_code == 405
    first = client.post(url)
    second = client.post(url)
    document = Document.objects.get(enrollment=enrollment, kind=Kind.ACTION_PLAN)
    assert first.url == second.url == reverse("participants:document_detail", args=[document.public_id])


def test_who_may_start_a_document(client, enrollment, journey, colleague):
    url = reverse("participants:document_new", args=[enrollment.pk, "report"])
    client.force_login(colleague)
    assert client.post(url).status_code == 403
    client.force_login(journey["referrer"])
    assert client.post(url).status_code == 403
    client.force_login(member(Role.KOORDINATOR, "laholm"))
    assert client.post(url).status_code == 404
    assert client.post(reverse("participants:document_new", args=[enrollment.pk, "nonsense"])).status_code == 404
    client.logout()
    assert client.post(url).status_code == 302
    assert not Document.objects.filter(enrollment=enrollment, kind=Kind.REPORT).exists()


# -- The editor -------------------------------------------------------------------------------


def test_the_draft_editor_shows_the_fields_and_a_colleague_sees_it_read_only(client, draft, journey, colleague):
    url = reverse("participants:document_detail", args=[draft.public_id])
    client.force_login(journey["handledare"])
    page = html(client.get(url))
    assert 'name="goal"' in page
    assert 'name="sg-0-responsible"' in page
    assert 'name="pa-0-count"' in page
    assert 'hx-post="' + reverse("participants:document_autosave", args=[draft.public_id]) in page
    assert "Lägg till delmål" in page
    client.force_login(colleague)
    page = html(client.get(url))
    assert client.get(url).status_code == 200
    assert 'name="goal"' not in page
    assert client.post(url, editor_data(draft)).status_code == 403


def test_autosave_returns_the_new_revision_and_a_stale_save_is_refused_and_keeps_nothing(client, draft, journey):
    client.force_login(journey["handledare"])
    url = reverse("participants:document_autosave", args=[draft.public_id])
    response = client.post(url, editor_data(draft, goal="Arbeta på ett växthus"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Sparat" in html(response)
    draft.refresh_from_db()
    assert draft.goal == "Arbeta på ett växthus"
    assert f'name="revision" value="{draft.revision}"' in html(response)
    stale = editor_data(draft, goal="Ett annat mål")
    stale["revision"] = draft.revision - 1
    response = client.post(url, stale, headers={"HX-Request": "true"})
    assert "någon annan" in html(response)
    assert 'role="alert"' in html(response)
    draft.refresh_from_db()
    assert draft.goal == "Arbeta på ett växthus"


def test_the_save_button_keeps_what_was_typed_on_a_stale_save_and_on_bad_input(client, draft, journey):
    client.force_login(journey["handledare"])
    url = reverse("participants:document_detail", args=[draft.public_id])
    stale = editor_data(draft, goal="Det jag skrev i fliken")
    stale["revision"] = draft.revision + 5
    response = client.post(url, stale)
    assert response.status_code == 409
    assert "Det jag skrev i fliken" in html(response)
    assert "någon annan" in html(response)
    response = client.post(url, editor_data(draft, goal="Mitt mål", period_end="2025-13-45"))
    assert response.status_code == 400
    assert "Ange ett datum som ÅÅÅÅ-MM-DD." in html(response)
    assert "Mitt mål" in html(response)
    draft.refresh_from_db()
    assert draft.goal == ""


def test_adding_a_sub_goal_without_javascript_renders_one_more_row(client, draft, journey):
    client.force_login(journey["handledare"])
    url = reverse("participants:document_detail", args=[draft.public_id])
    data = editor_data(
        draft, sub_goals=[{"goal": "Första delmålet", "activities": "", "responsible": "", "due_on": ""}]
    )
    response = client.post(url, {**data, "action": "add_goal"})
    assert response.status_code == 200
    page = html(response)
    assert "Första delmålet" in page
    assert 'name="sg-1-goal"' in page
    assert list(draft.sub_goals.values_list("goal", flat=True)) == ["Första delmålet"]


# -- Finalising -------------------------------------------------------------------------------


def test_finalising_shows_what_is_missing_then_finalises_once(client, draft, journey):
    client.force_login(journey["handledare"])
    url = reverse("participants:document_detail", args=[draft.public_id])
    response = client.post(url, {**editor_data(draft, goal="Mitt mål"), "action": "finalise"})
    assert response.status_code == 400
    page = html(response)
    assert "Det här saknas" in page
    assert "Minst ett delmål." in page
    assert "Mitt mål" in page  # the form is intact
    data = {**complete(draft), "action": "finalise"}
    response = client.post(url, data)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PENDING
    again = client.post(url, data)  # the double submit
    assert again.status_code == 302
    assert Delivery.objects.filter(document=draft).count() == 1
    assert EnrollmentEvent.objects.filter(enrollment=draft.enrollment, message__endswith="slutförd").count() == 1
    page = html(client.get(url))
    assert "Slutförd – PDF skapas" in page
    assert 'name="goal"' not in page


def test_a_render_error_is_shown_in_swedish(client, enrollment, journey):
    plan = builders.final_plan(enrollment, journey["handledare"])
    Document.objects.filter(pk=plan.pk).update(render_error="OSError: disk full", render_attempts=1)
    client.force_login(journey["handledare"])
    page = html(client.get(reverse("participants:document_detail", args=[plan.public_id])))
    assert "PDF kunde inte skapas ännu – nytt försök görs automatiskt" in page


# -- Preview, signed copy ---------------------------------------------------------------------


def test_the_preview_is_a_pdf_marked_utkast_for_staff_only(client, draft, journey):
    client.force_login(journey["handledare"])
    client.post(reverse("participants:document_detail", args=[draft.public_id]), complete(draft))
    url = reverse("participants:document_preview", args=[draft.public_id])
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert "UTKAST" in text
    assert "Åka buss" in " ".join(text.split())
    client.force_login(journey["referrer"])
    assert client.get(url).status_code == 404


# -- The final document -----------------------------------------------------------------------


def test_the_final_document_shows_deliveries_downloads_of_all_versions_and_correction(
    client, enrollment, journey, django_assert_max_num_queries
):
    plan = builders.rendered_plan(journey | {"enrollment": enrollment})
    services.download_record(document=plan, user=journey["referrer"], ip="10.0.0.1")
    client.force_login(journey["handledare"])
    url = reverse("participants:document_detail", args=[plan.public_id])
    with django_assert_max_num_queries(40) as few:
        page = html(client.get(url))
    first = len(few.captured_queries)  # read now: the connection's query log is bounded
    assert journey["referrer"].get_full_name() in page
    assert "Nedladdningar" in page
    response = client.post(reverse("participants:document_correct", args=[plan.public_id]))
    correction = Document.objects.get(corrects=plan)
    assert response.url == reverse("participants:document_detail", args=[correction.public_id])
    assert client.post(reverse("participants:document_correct", args=[plan.public_id])).url == response.url
    page = html(client.get(response.url))
    assert 'name="change_note"' in page
    for n in range(3):
        services.download_record(document=plan, user=journey["koordinator"], ip=f"10.0.0.{n + 2}")
    with django_assert_max_num_queries(first):
        page = html(client.get(url))
    assert page.count(journey["koordinator"].get_full_name()) >= 3
    assert reverse("participants:document_detail", args=[correction.public_id]) in page


def test_the_referrer_reads_a_delivered_document_but_may_not_correct_it(client, enrollment, journey):
    plan = builders.rendered_plan(journey | {"enrollment": enrollment})
    client.force_login(journey["referrer"])
    response = client.get(reverse("participants:document_detail", args=[plan.public_id]))
    assert response.status_code == 200
    assert "Nedladdningar" not in html(response)
    assert client.post(reverse("participants:document_correct", args=[plan.public_id])).status_code == 403


# -- Contacts and sharing ---------------------------------------------------------------------


def test_contacts_are_added_given_a_document_and_removing_revokes_it(client, enrollment, journey):
    party = ReferrerFactory.create()
    client.force_login(journey["handledare"])
    add = reverse("participants:contact_add", args=[enrollment.pk])
    client.post(add, {"user": party.pk, "role": "Handläggare sjukpenning"})
    client.post(add, {"user": party.pk, "role": "Handläggare sjukpenning"})  # double click
    contact = Contact.objects.get(enrollment=enrollment)
    assert contact.user == party
    plan = builders.rendered_plan(journey | {"enrollment": enrollment})
    response = client.post(reverse("participants:document_share", args=[plan.public_id]), {"recipients": [contact.pk]})
    assert response.status_code == 302
    client.force_login(party)
    url = reverse("participants:document_detail", args=[plan.public_id])
    assert client.get(url).status_code == 200
    client.force_login(journey["handledare"])
    client.post(reverse("participants:contact_remove", args=[enrollment.pk, contact.pk]))
    assert not Contact.objects.filter(enrollment=enrollment).exists()
    assert Delivery.objects.get(document=plan, recipient=party).revoked_at is not None
    client.force_login(party)
    assert client.get(url).status_code == 404


def test_a_colleague_may_not_add_contacts(client, enrollment, journey, colleague):
    client.force_login(colleague)
    response = client.post(
        reverse("participants:contact_add", args=[enrollment.pk]), {"user": ReferrerFactory.create().pk}
    )
    assert response.status_code == 403
    assert not Contact.objects.exists()


def test_the_participant_page_lists_each_document_with_its_own_downloads(client, enrollment, journey):
    """The page's document list (documents_of): every document of the enrolment for its staff, drafts
    included, each with the number of downloads of that document alone; the referrer sees only what
    was delivered to them."""
    plan = builders.rendered_plan(journey | {"enrollment": enrollment})
    services.download_record(document=plan, user=journey["referrer"], ip="10.0.0.1")
    services.download_record(document=plan, user=journey["handledare"], ip="10.0.0.2")
    draft = services.document_start(enrollment=enrollment, kind=Kind.REPORT, by=journey["handledare"])
    url = reverse("participants:detail", args=[enrollment.pk])
    client.force_login(journey["handledare"])
    listed = {(d.pk, d.download_count) for d in client.get(url).context["documents"]}
    assert listed == {(plan.pk, 2), (draft.pk, 0)}
    client.force_login(journey["referrer"])
    assert [(d.pk, d.download_count) for d in client.get(url).context["documents"]] == [(plan.pk, 2)]
