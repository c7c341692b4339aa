"""Issue 19.3 and 19.5 in views: the log form in the participant's row, the one-key quick log, the
week's statuses in words, Min vecka's constant queries at 2× rows, the participant page's history
and follow-ups."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participants import rules
from participants.models import Activity, ActivityKind, Attendance, FollowUp
from teams.models import Membership
from tests.factories import member
from tests.participants.test_views_week import HTMX, bulk_enrolments, log_activity, past_monday, url, week_url

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)


def test_the_grid_log_link_opens_the_form_in_the_row_focused_on_its_first_field(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.get(
        url("log", enrollment_pk=enrollment.pk) + "?typ=kartlaggning&datum=2026-01-05&vecka=2026-W02&kolumn=samtal",
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<tr id="loggrad"')
    assert 'colspan="6"' in html  # the participant, four categories and "Övrigt"
    assert 'hx-target="#loggrad" hx-swap="outerHTML"' in html
    assert 'name="kolumn" value="samtal"' in html
    first_field = html.index('name="date"')
    assert html.index("autofocus") > html.index("<form")
    assert html.index("autofocus") < html.index(">", first_field)
    assert first_field < html.index('name="attendance"') < html.index('name="kind"')  # the date first
    form = response.context["form"]
    assert (form.initial["kind"], form.initial["duration_minutes"]) == ("kartlaggning", 60)


def test_saving_from_the_row_says_where_the_focus_goes_next(client, journey) -> None:
    enrollment = journey["enrollment"]
    monday = past_monday()
    client.force_login(journey["handledare"])
    data = {
        "kind": "kartlaggning",
        "date": monday.isoformat(),
        "attendance": Attendance.PRESENT,
        "duration_minutes": "60",
        "note": "",
        "vecka": rules.week_param(monday),
        "kolumn": "samtal",
    }
    response = client.post(url("log", enrollment_pk=enrollment.pk), data, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-focus-row="{enrollment.pk}" data-focus-col="samtal" data-focus-what="log"' in html
    assert f'<tr id="rad-{enrollment.pk}" class="week-row" hx-swap-oob="true">' in html
    assert "Sparat: Kartläggning (samtal)" in html


def test_quick_log_is_present_with_the_kinds_default_duration_once_per_token(client, journey) -> None:
    enrollment = journey["enrollment"]
    monday = past_monday()
    Activity.objects.all().delete()
    client.force_login(journey["handledare"])
    data = {"typ": "arbetstraning", "datum": monday.isoformat(), "vecka": rules.week_param(monday)}
    data |= {"kolumn": "arbetstraning", "form_token": "8c5a8f8e-8d0e-4f7e-9a53-6a1f0d3c1b2a"}
    response = client.post(url("quick_log", enrollment_pk=enrollment.pk), data, **HTMX)
    assert response.status_code == 200
    assert 'data-focus-what="quick"' in response.content.decode()
    assert client.post(url("quick_log", enrollment_pk=enrollment.pk), data, **HTMX).status_code == 200  # again
    activity = Activity.objects.get()
    assert (activity.kind_id, activity.attendance, activity.duration_minutes, activity.date) == (
        "arbetstraning",
        Attendance.PRESENT,
        180,
        monday,
    )


def test_quick_log_refuses_a_future_day_in_the_status_line(client, journey) -> None:
    client.force_login(journey["handledare"])
    tomorrow = timezone.localdate() + timedelta(days=1)
    data = {"typ": "fysisk", "datum": tomorrow.isoformat(), "form_token": "bd0c2a47-5d5e-4a7c-8a43-0b8f5e9f6f10"}
    response = client.post(url("quick_log", enrollment_pk=journey["enrollment"].pk), data, **HTMX)
    assert "En aktivitet kan inte loggas i framtiden." in response.content.decode()
    assert not Activity.objects.filter(date=tomorrow).exists()


def test_quick_log_without_htmx_returns_to_the_week(client, journey) -> None:
    monday = past_monday()
    client.force_login(journey["handledare"])
    data = {"typ": "fysisk", "datum": monday.isoformat(), "vecka": rules.week_param(monday)}
    response = client.post(url("quick_log", enrollment_pk=journey["enrollment"].pk), data)
    assert (response.status_code, response.url) == (302, week_url(monday))


def test_the_week_shows_a_no_show_and_an_unfinished_week_in_words(client, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    this_monday = rules.week_start(timezone.localdate())
    Activity.objects.all().delete()
    log_activity(enrollment, handledare, ActivityKind.TALK, this_monday, Attendance.UNEXCUSED)
    client.force_login(handledare)
    response = client.get(week_url(this_monday))
    cells = {c.category: c for c in response.context["grid"][0].cells}
    assert cells[ActivityKind.TALK].status_label == "Uteblev"
    assert cells[ActivityKind.PHYSICAL].status_label == "Pågår"  # the week is not over
    html = response.content.decode()
    assert "Tangentbordet" in html
    assert "<kbd>Enter</kbd>" in html
    assert 'data-what="quick"' in html
    last = client.get(week_url(this_monday - timedelta(weeks=1)))
    assert {c.category: c for c in last.context["grid"][0].cells}[ActivityKind.PHYSICAL].status_label == (
        "Inte uppfyllt"
    )


def test_min_vecka_queries_do_not_grow_with_rows(client, journey, django_assert_max_num_queries) -> None:
    few_handledare = member(Membership.Role.HANDLEDARE)
    bulk_enrolments(20, few_handledare, journey["koordinator"], activities_per_week=4)
    client.force_login(few_handledare)
    client.get(url("week"))
    with CaptureQueriesContext(connection) as few:
        client.get(url("week") + f"?vecka={rules.week_param(past_monday())}")
    few_count = len(few)  # now: the connection's query log is a bounded deque that later queries rotate
    assert 0 < few_count <= 15
    many_handledare = member(Membership.Role.HANDLEDARE)
    bulk_enrolments(40, many_handledare, journey["koordinator"], activities_per_week=4)  # 2× the rows
    client.force_login(many_handledare)
    client.get(url("week"))
    with django_assert_max_num_queries(few_count):
        response = client.get(url("week") + f"?vecka={rules.week_param(past_monday())}")
    assert len(response.context["grid"]) == 40


# -- The participant page (19.5) -----------------------------------------------------------------


def test_the_history_lists_every_activity_filtered_by_kind_and_period(client, journey) -> None:
    enrollment, handledare = journey["enrollment"], journey["handledare"]
    Activity.objects.all().delete()
    start = enrollment.start_date
    for d in range(55):
        log_activity(enrollment, handledare, ActivityKind.PHYSICAL if d % 2 else "kartlaggning", start + timedelta(d))
    client.force_login(handledare)
    page = client.get(url("activities", enrollment_pk=enrollment.pk))
    assert page.status_code == 200
    assert page.context["page"].paginator.count == 55
    assert len(page.context["page"].object_list) == 50
    assert "sida=2" in page.content.decode()
    filtered = client.get(
        url("activities", enrollment_pk=enrollment.pk)
        + f"?kind=kartlaggning&start={start + timedelta(10)}&end={start + timedelta(19)}"
    )
    rows = list(filtered.context["page"].object_list)
    assert [a.date for a in rows] == [start + timedelta(d) for d in (18, 16, 14, 12, 10)]
    assert "Kartläggning (samtal)" in filtered.content.decode()
    detail = client.get(url("detail", enrollment_pk=enrollment.pk)).content.decode()
    assert url("activities", enrollment_pk=enrollment.pk) in detail


def test_the_history_refuses_an_end_before_the_start_beside_the_field(client, journey) -> None:
    client.force_login(journey["handledare"])
    response = client.get(
        url("activities", enrollment_pk=journey["enrollment"].pk) + "?start=2026-05-01&end=2026-04-01"
    )
    assert response.status_code == 200
    assert "Slutdatumet ligger före startdatumet." in response.content.decode()


def test_the_participant_page_shows_both_follow_ups_and_offers_only_the_due_one(client, journey) -> None:
    closed = journey["closed"]  # closed 200 days ago: 6 months overdue, 12 months not yet
    client.force_login(journey["handledare"])
    html = client.get(url("detail", enrollment_pk=closed.pk)).content.decode()
    six, twelve = closed.follow_ups.get(months=6), closed.follow_ups.get(months=12)
    assert "Uppföljning efter avslut" in html
    assert "Registrera 6-månadersuppföljningen" in html
    assert url("follow_up", follow_up_pk=six.pk) in html
    assert url("follow_up", follow_up_pk=twelve.pk) not in html  # not reachable before it is due
    opens = twelve.due_on - timedelta(days=14)
    assert f"Kan registreras från {opens:%Y-%m-%d}" in html


def test_the_twelve_month_follow_up_is_not_recordable_before_it_is_due(client, journey) -> None:
    twelve = journey["closed"].follow_ups.get(months=12)
    client.force_login(journey["handledare"])
    page = client.get(url("follow_up", follow_up_pk=twelve.pk))
    assert page.status_code == 200
    assert page.context["form"] is None
    assert "kan registreras från" in page.content.decode()
    posted = client.post(url("follow_up", follow_up_pk=twelve.pk), {"found": "work", "note": ""})
    assert posted.status_code == 409
    assert FollowUp.objects.get(pk=twelve.pk).found == ""
    FollowUp.objects.filter(pk=twelve.pk).update(due_on=timezone.localdate())  # now it is due
    assert client.post(url("follow_up", follow_up_pk=twelve.pk), {"found": "work", "note": ""}).status_code == 302
    assert FollowUp.objects.get(pk=twelve.pk).found == "work"
