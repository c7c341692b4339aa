"""The edge inputs that answered 500 (issue 12): dates in year 9999 or 0001, ISO weeks out of
range, a login name longer than django-axes stores, NUL bytes. Each now gets a Swedish message
beside the field (a form) or is ignored with a message / answered 400 (a link's query string),
and what the user typed is still in the form.

The tests that need a participant's journey share one, built once per module (`shared_journey`,
tests/conftest.py); each test runs in a savepoint rolled back after it."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.forms import Widget
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ist.forms import DATE_OUT_OF_RANGE, MAX_DATE, MIN_DATE, DateField
from participants.models import Closure, Enrollment
from referrals.models import Referral
from tests.participants.test_views_enrolment import enrol_data
from tests.participants.test_views_journey import closure_post
from tests.referrals.test_views_triage import register_data

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)


def error_beside(response, name: str) -> str:
    """The text of the error list tied to field `name` (components/field.html: id_<name>_error)."""
    text = response.content.decode()
    found = re.search(rf'<ul class="errorlist"[^>]*id="id_{name}_error"[^>]*>(.*?)</ul>', text, re.S)
    assert found, f"no error beside {name}"
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).strip()


def typed_value(response, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', response.content.decode())
    assert found, f"no input {name}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return html.unescape(value.group(1)) if value else ""


# -- The bounded date field --------------------------------------------------------------------


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_1900_to_2100_is_refused_in_swedish(text) -> None:
    field = DateField()
    with pytest.raises(Exception, match="Ange ett datum mellan 1900-01-01 och 2100-12-31"):
        field.clean(text)


def test_the_range_ends_are_accepted_and_offered_to_the_browser() -> None:
    field = DateField()
    assert field.clean(MIN_DATE.isoformat()) == MIN_DATE
    assert field.clean(MAX_DATE.isoformat()) == MAX_DATE
    assert isinstance(field.widget, Widget)
    rendered = field.widget.render("d", None)
    assert 'type="date"' in rendered
    assert 'min="1900-01-01"' in rendered
    assert 'max="2100-12-31"' in rendered


def test_every_date_field_of_every_form_is_the_bounded_one() -> None:
    """One mechanism: a form (or ModelForm) that declares a plain DateField would let year 9999 in
    again. Every form class of the apps is checked, by enumeration, not by a hand-made list."""
    from importlib import import_module

    from django import forms
    from django.conf import settings

    import_module(settings.ROOT_URLCONF)  # every view, so every form a page can show, is loaded
    checked = 0
    pending = list(forms.BaseForm.__subclasses__())
    seen: set[type] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        pending += cls.__subclasses__()
        if not cls.__module__.startswith(("ist.", "teams.", "referrals.", "participants.", "reports.")):
            continue
        for name, field in getattr(cls, "base_fields", {}).items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                assert isinstance(field, DateField), (
                    f"{cls.__module__}.{cls.__name__}.{name} is not ist.forms.DateField"
                )
                checked += 1
    assert checked >= 15  # the app's date fields were found (guards against a check that saw none)


# -- The dates that answered 500 ---------------------------------------------------------------


def test_access_log_filter_with_date_to_in_year_9999_says_so_beside_the_field(client, users) -> None:
    client.force_login(users["koordinator"])
    response = client.get(reverse("audit:log") + "?date_to=9999-12-31")
    assert response.status_code == 200
    assert error_beside(response, "date_to") == DATE_OUT_OF_RANGE
    assert typed_value(response, "date_to") == "9999-12-31"


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2026-W54", "2026-W00", "nästa"])
def test_min_vecka_with_a_week_out_of_range_shows_this_week_and_says_why(client, shared_journey, week) -> None:
    client.force_login(shared_journey["handledare"])
    response = client.get(reverse("participants:week") + f"?vecka={week}")
    assert response.status_code == 200
    today = timezone.localdate()
    assert response.context["monday"] == today - timedelta(days=today.weekday())
    assert "Veckan i adressen gick inte att använda" in response.content.decode()


def test_logging_form_with_a_prefilled_date_in_year_9999_opens_with_today(client, shared_journey) -> None:
    client.force_login(shared_journey["handledare"])
    url = reverse("participants:log", kwargs={"enrollment_pk": shared_journey["enrollment"].pk})
    response = client.get(url + "?typ=fysisk&datum=9999-12-31&vecka=9999-W52")
    assert response.status_code == 200
    assert typed_value(response, "date") == timezone.localdate().isoformat()


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_enrolment_start_out_of_range_is_refused_beside_the_field_and_kept(client, shared_journey, start) -> None:
    client.force_login(shared_journey["koordinator"])
    url = reverse("participants:enroll", kwargs={"referral_pk": shared_journey["ready"].pk})
    before = Enrollment.objects.count()
    response = client.post(url, enrol_data(shared_journey["handledare"], start_date=start))
    assert response.status_code == 200
    assert error_beside(response, "start_date") == DATE_OUT_OF_RANGE
    assert typed_value(response, "start_date") == start
    assert Enrollment.objects.count() == before
    # The htmx preview of what the start date gives (target end, age) ignores it as well.
    preview = client.get(url + f"?start_date={start}", headers={"HX-Request": "true"})
    assert preview.status_code == 200


def test_closure_date_in_year_9999_is_refused_beside_the_field_and_kept(client, shared_journey) -> None:
    enrollment = shared_journey["enrollment"]
    client.force_login(shared_journey["koordinator"])
    data = closure_post(enrollment, date="9999-12-31", closing_meeting_on="0001-01-01")
    response = client.post(reverse("participants:close", kwargs={"enrollment_pk": enrollment.pk}), data)
    assert response.status_code == 200
    assert error_beside(response, "date") == DATE_OUT_OF_RANGE
    assert error_beside(response, "closing_meeting_on") == DATE_OUT_OF_RANGE
    assert typed_value(response, "date") == "9999-12-31"
    assert not Closure.objects.filter(enrollment=enrollment).exists()


@pytest.mark.parametrize("received", ["0001-01-01", "9999-12-31"])
def test_paper_referral_received_on_out_of_range_is_refused_beside_the_field(client, users, received) -> None:
    client.force_login(users["koordinator"])
    data = register_data(received_on=received, first_name="Typad Förnamn")
    before = Referral.objects.count()
    response = client.post(reverse("referrals:register"), data)
    assert response.status_code == 200
    assert error_beside(response, "received_on") == DATE_OUT_OF_RANGE
    assert typed_value(response, "received_on") == received
    assert typed_value(response, "first_name") == "Typad Förnamn"
    assert Referral.objects.count() == before


# -- Login name longer than axes stores ------------------------------------------------------------


def test_a_login_name_of_300_characters_is_refused_beside_the_field(client) -> None:
    name = "a" * 290 + "@ist.example"
    response = client.post(reverse("login"), {"username": name, "password": "fel"})
    assert response.status_code == 200
    assert "En e-postadress har högst 254 tecken." in error_beside(response, "username")
    assert typed_value(response, "username") == name


def test_the_admin_login_with_a_300_character_name_is_no_server_error(users) -> None:
    client = Client(raise_request_exception=False)
    url = reverse(f"{admin.site.name}:login")
    response = client.post(url, {"username": "b" * 300, "password": "fel", "next": "/admin/"})
    assert response.status_code == 200


# -- NUL bytes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/oversikt/?team=%00", "/deltagare/?namn=a%00b", "/logg/?person=%00", "/deltagare/vecka/?vecka=%00"]
)
def test_a_nul_in_a_query_parameter_answers_400_in_swedish(users, url) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users["koordinator"])
    response = client.get(url)
    assert response.status_code == 400
    assert "Adressen innehåller ett otillåtet tecken." in response.content.decode()


def test_a_nul_in_a_form_field_is_refused_beside_the_field_and_nothing_saved(client, users) -> None:
    client.force_login(users["referrer"])
    from tests.factories import team

    before = Referral.objects.count()
    data = {"team": team().pk, "question": "Fråga\x00med NUL", "form_token": str(uuid.uuid4())}
    response = client.post(reverse("referrals:question_new"), data)
    assert response.status_code == 200
    assert "Null-tecken är inte tillåtna." in error_beside(response, "question")
    assert Referral.objects.count() == before


def test_an_over_long_field_is_refused_beside_the_field_and_kept(client, users) -> None:
    client.force_login(users["koordinator"])
    data = register_data(first_name="Å" * 300)
    response = client.post(reverse("referrals:register"), data)
    assert response.status_code == 200
    assert "som mest 100 tecken" in error_beside(response, "first_name")
    assert typed_value(response, "first_name") == "Å" * 300


def test_the_in_range_check_is_the_one_rules_rely_on() -> None:
    # A rule adds at most a few years to a date (target end, follow-ups): the range leaves room.
    assert MAX_DATE + timedelta(days=366 * 10) < date.max
    assert MIN_DATE - timedelta(days=366 * 10) > date.min


# -- Numbers that str.isdigit() accepts and int() does not; a stale delete (found by the fuzz test) ----


def test_removing_an_activity_with_a_stale_version_shows_what_is_saved_with_the_reason(client, shared_journey) -> None:
    activity = shared_journey["activity"]
    client.force_login(shared_journey["handledare"])
    url = reverse("participants:activity", kwargs={"activity_pk": activity.pk})
    response = client.post(url, {"ta_bort": "1", "version": str(activity.version + 5)})
    assert response.status_code == 409
    assert "Någon annan har sparat ändringar" in response.content.decode()
    assert typed_value(response, "date") == activity.date.isoformat()
    assert type(activity).objects.filter(pk=activity.pk).exists()


def test_meeting_attendance_with_a_superscript_version_is_no_server_error(shared_journey) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(shared_journey["koordinator"])
    url = reverse("referrals:meeting_attendance", kwargs={"pk": shared_journey["meeting"].pk})
    data = {
        "attendance-TOTAL_FORMS": "1",
        "attendance-INITIAL_FORMS": "0",
        "attendance-0-organisation_kind": "kommun",
        "attendance-0-name": "Kim Kommun",
        "version": "²",
    }
    response = client.post(url, data)
    assert response.status_code < 500


def test_min_vecka_for_a_handledare_given_as_a_superscript_is_not_found(client, shared_journey) -> None:
    client.force_login(shared_journey["koordinator"])
    response = client.get(reverse("participants:week") + "?handledare=²")
    assert response.status_code == 404
