"""'Att göra': the inbox, the header count, snooze and done (POST, CSRF, idempotent), e-mail choices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ist.reminders.models import Kind, Notification, NotificationPreference
from referrals.models import Referral
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
State = Notification.State


def make_items(user, count: int, **fields) -> list[Notification]:
    referral_type = ContentType.objects.get_for_model(Referral)
    today = timezone.localdate()
    return Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                kind=Kind.ANSWER_SOON,
                subject_type=referral_type,
                subject_id=1000 + n,
                due_on=today + timedelta(days=n),
                title=f"Remiss {1000 + n} (AB): svara senast",
                url=f"/remisser/{1000 + n}/granska/",
                **fields,
            )
            for n in range(count)
        ]
    )


def test_the_inbox_lists_the_users_own_open_items_with_links_in_constant_queries(
    client, users, django_assert_num_queries
):
    user = users["koordinator"]
    make_items(user, 2)
    make_items(users["handledare"], 2)  # someone else's
    client.force_login(user)
    client.get(reverse("reminders:inbox"))  # the session is saved once
    with django_assert_num_queries(9) as two_rows:
        client.get(reverse("reminders:inbox"))
    Notification.objects.filter(recipient=user).delete()
    make_items(user, 9)
    with django_assert_num_queries(len(two_rows.captured_queries)):
        response = client.get(reverse("reminders:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="todo-item') == 9
    assert 'href="/remisser/1000/granska/"' in html
    assert "Remiss 1000 (AB)" in html


def test_snoozed_and_finished_items_are_not_in_the_list_but_snoozed_ones_have_their_own(client, users):
    user = users["handledare"]
    snoozed, done, _ = make_items(user, 3)
    Notification.objects.filter(pk=snoozed.pk).update(snoozed_until=timezone.localdate() + timedelta(days=3))
    Notification.objects.filter(pk=done.pk).update(state=State.DONE)
    client.force_login(user)
    html = client.get(reverse("reminders:inbox")).content.decode()
    assert html.count('class="todo-item') == 1
    assert "Pausade (1)" in html
    snoozed_page = client.get(reverse("reminders:inbox") + "?visa=pausade").content.decode()
    assert snoozed_page.count('class="todo-item') == 1
    assert snoozed.title in snoozed_page


def test_the_count_is_a_fragment_for_the_header(client, users):
    user = users["handledare"]
    make_items(user, 2)
    client.force_login(user)
    response = client.get(reverse("reminders:count"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert '<span class="todo-count">2<span class="visually-hidden"> öppna</span></span>' in html


def test_the_count_after_the_session_ended_is_the_plain_link_text(client):
    response = client.get(reverse("reminders:count"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().strip() == "Att göra"


def test_every_page_has_the_att_gora_link_loading_its_count_by_htmx(client, users):
    client.force_login(users["handledare"])
    html = client.get(reverse("home:start")).content.decode()
    assert 'href="/att-gora/" hx-get="/att-gora/antal/" hx-trigger="load"' in html


def test_marking_done_is_idempotent(client, users):
    user = users["handledare"]
    [item] = make_items(user, 1)
    client.force_login(user)
    url = reverse("reminders:done", args=[item.pk])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("reminders:inbox")
    assert "Klar: " in response.content.decode()
    item.refresh_from_db()
    assert item.state == State.DONE
    again = client.post(url, follow=True)
    assert "redan klar" in again.content.decode()
    assert Notification.objects.get(pk=item.pk).updated_at == item.updated_at


def test_someone_elses_item_is_not_found_and_anonymous_must_log_in(client, users):
    [item] = make_items(users["handledare"], 1)
    client.force_login(users["koordinator"])
    assert client.post(reverse("reminders:done", args=[item.pk])).status_code == 404
    assert client.post(reverse("reminders:snooze", args=[item.pk]), {"days": "3"}).status_code == 404
    client.logout()
    response = client.post(reverse("reminders:done", args=[item.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert Notification.objects.get(pk=item.pk).state == State.OPEN


def test_posts_need_the_csrf_token(users):
    from django.test import Client

    [item] = make_items(users["handledare"], 1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(users["handledare"])
    assert client.post(reverse("reminders:done", args=[item.pk])).status_code == 403
    assert Notification.objects.get(pk=item.pk).state == State.OPEN


def test_snooze_sets_the_day_and_twice_changes_nothing_more(client, users):
    user = users["handledare"]
    [item] = make_items(user, 1)
    client.force_login(user)
    url = reverse("reminders:snooze", args=[item.pk])
    client.post(url, {"days": "7"})
    client.post(url, {"days": "7"})
    item.refresh_from_db()
    assert item.snoozed_until == timezone.localdate() + timedelta(days=7)
    assert item.state == State.OPEN


def test_a_bad_snooze_choice_changes_nothing_and_says_why(client, users):
    user = users["handledare"]
    [item] = make_items(user, 1)
    client.force_login(user)
    response = client.post(reverse("reminders:snooze", args=[item.pk]), {"days": "999"}, follow=True)
    assert "Välj hur länge påminnelsen ska pausas" in response.content.decode()
    assert Notification.objects.get(pk=item.pk).snoozed_until is None


def test_preferences_opt_out_of_kinds_in_the_e_mail(client, users):
    user = users["handledare"]
    client.force_login(user)
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert page.count("checked") == len(Kind.values)
    wanted = [k for k in Kind.values if k not in {Kind.WEEK_LOG_MISSING, Kind.FOLLOW_UP_DUE}]
    response = client.post(reverse("reminders:preferences"), {"by_email": wanted})
    assert response.status_code == 302
    assert set(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True)) == {
        Kind.WEEK_LOG_MISSING,
        Kind.FOLLOW_UP_DUE,
    }
    client.post(reverse("reminders:preferences"), {"by_email": [*wanted, Kind.FOLLOW_UP_DUE]})
    assert list(NotificationPreference.objects.filter(user=user).values_list("kind", flat=True)) == [
        Kind.WEEK_LOG_MISSING
    ]
    assert not NotificationPreference.objects.filter(user=UserFactory.create()).exists()


def test_a_bad_preference_value_is_refused_beside_the_field(client, users):
    client.force_login(users["handledare"])
    response = client.post(reverse("reminders:preferences"), {"by_email": ["no_such_kind"]})
    assert response.status_code == 200
    assert "Välj bland alternativen i listan." in response.content.decode()
    assert not NotificationPreference.objects.exists()
