"""The referral form saves its draft as the referrer types (htmx), like the document editor."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from referrals.models import Referral
from tests.referrals.test_views_referrer import form_post

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def status_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(referral|version)" value="(\d+)">', html))


def test_typing_in_a_new_referral_saves_one_draft_and_the_buttons_save_that_draft(client, users) -> None:
    referrer = users["referrer"]
    client.force_login(referrer)
    token = uuid.uuid4()
    first = client.post(reverse("referrals:autosave"), form_post("", token, background="Början"), **HTMX)
    assert first.status_code == 200
    assert "Utkastet sparat" in first.content.decode()
    fields = status_fields(first.content.decode())
    draft = Referral.objects.get(referrer=referrer)
    assert draft.status == Referral.Status.DRAFT
    assert draft.background == "Början"
    assert fields == {"referral": str(draft.pk), "version": str(draft.version)}

    # the same first save sent twice (a slow network): still one draft
    client.post(reverse("referrals:autosave"), form_post("", token, background="Början"), **HTMX)
    assert Referral.objects.filter(referrer=referrer).count() == 1

    later = client.post(
        reverse("referrals:autosave"), {**form_post("", token, background="Början och mer"), **fields}, **HTMX
    )
    fields = status_fields(later.content.decode())
    draft.refresh_from_db()
    assert draft.background == "Början och mer"
    assert fields["version"] == str(draft.version)

    # "Spara utkast" on the page it was typed in (the new form) saves the same draft
    saved = client.post(reverse("referrals:new"), {**form_post("draft", token, background="Slutlig text"), **fields})
    assert saved.url == reverse("referrals:edit", args=[draft.pk])
    assert Referral.objects.filter(referrer=referrer).count() == 1
    draft.refresh_from_db()
    assert draft.background == "Slutlig text"


def test_an_invalid_or_stale_autosave_stores_nothing_and_says_so(client, users) -> None:
    client.force_login(users["referrer"])
    token = uuid.uuid4()
    first = client.post(reverse("referrals:autosave"), form_post("", token, background="Ett"), **HTMX)
    fields = status_fields(first.content.decode())
    invalid = client.post(
        reverse("referrals:autosave"),
        {**form_post("", token, background="Två"), **fields, "personnummer": "123"},
        **HTMX,
    )
    assert "kunde inte sparas automatiskt" in invalid.content.decode()
    stale = client.post(
        reverse("referrals:autosave"), {**form_post("", token, background="Tre"), **fields, "version": "0"}, **HTMX
    )
    assert "ändrats på annat håll" in stale.content.decode()
    assert Referral.objects.get().background == "Ett"


def test_another_referrers_draft_cannot_be_autosaved(client, users) -> None:
    from tests.factories import ReferrerFactory

    client.force_login(users["referrer"])
    first = client.post(reverse("referrals:autosave"), form_post("", uuid.uuid4(), background="Mitt"), **HTMX)
    fields = status_fields(first.content.decode())
    client.force_login(ReferrerFactory())
    response = client.post(
        reverse("referrals:autosave"), {**form_post("", uuid.uuid4(), background="Ditt"), **fields}, **HTMX
    )
    assert response.status_code == 404
    assert Referral.objects.get(pk=fields["referral"]).background == "Mitt"


def test_only_referrers_autosave_referrals(client, users) -> None:
    client.force_login(users["handledare"])
    assert client.post(reverse("referrals:autosave"), form_post("", uuid.uuid4()), **HTMX).status_code == 403


def test_a_button_faster_than_the_first_autosaves_answer_saves_the_same_draft(client, users) -> None:
    client.force_login(users["referrer"])
    token = uuid.uuid4()
    client.post(reverse("referrals:autosave"), form_post("", token, background="Autosparat"), **HTMX)
    # the page never got the answer (no referral id or version in the form): the token finds the draft
    saved = client.post(reverse("referrals:new"), form_post("draft", token, background="Det sista jag skrev"))
    draft = Referral.objects.get()
    assert saved.url == reverse("referrals:edit", args=[draft.pk])
    assert draft.background == "Det sista jag skrev"
