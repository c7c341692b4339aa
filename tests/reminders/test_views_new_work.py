"""The coordinator's choice of e-mail for new work, "Att göra" in order of urgency with each item's
team, and the start page's counts of what waits (docs/decisions/0030)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from ist.reminders.models import EmailTiming, Kind, Notification
from referrals.models import Referral
from teams.models import Membership
from tests.factories import ReferrerFactory, member, team
from tests.referrals import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)
Role = Membership.Role


def test_a_coordinator_chooses_e_mail_at_once_and_the_choice_is_kept(client) -> None:
    coordinator = member(Role.KOORDINATOR)
    client.force_login(coordinator)
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert "Direkt, ett e-postmeddelande per remiss eller fråga" in page
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', page)
    assert not EmailTiming.objects.filter(user=coordinator).exists()  # the digest is the default, no row
    response = client.post(reverse("reminders:preferences"), {"by_email": list(Kind.values), "new_work": "at_once"})
    assert response.status_code == 302
    assert EmailTiming.objects.get(user=coordinator).new_work == EmailTiming.When.AT_ONCE
    # The same choice twice changes nothing twice.
    client.post(reverse("reminders:preferences"), {"by_email": list(Kind.values), "new_work": "at_once"})
    assert EmailTiming.objects.filter(user=coordinator).count() == 1
    client.post(reverse("reminders:preferences"), {"by_email": list(Kind.values), "new_work": "digest"})
    assert EmailTiming.objects.get(user=coordinator).new_work == EmailTiming.When.DIGEST


def test_a_bad_timing_is_refused_beside_the_field_and_keeps_the_ticks(client) -> None:
    coordinator = member(Role.KOORDINATOR)
    client.force_login(coordinator)
    response = client.post(reverse("reminders:preferences"), {"by_email": [Kind.NEW_REFERRAL], "new_work": "snart"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Välj ett av alternativen." in html
    assert not EmailTiming.objects.filter(user=coordinator).exists()


def test_others_are_not_offered_the_choice(client, users) -> None:
    client.force_login(users["handledare"])
    page = client.get(reverse("reminders:preferences")).content.decode()
    assert "Direkt, ett e-postmeddelande" not in page
    client.post(reverse("reminders:preferences"), {"by_email": [], "new_work": "at_once"})
    assert not EmailTiming.objects.filter(user=users["handledare"]).exists()


def _item(user, kind, due_on, team_id=None, n=[0]) -> Notification:  # noqa: B006 - a counter for unique subjects
    n[0] += 1
    return Notification.objects.create(
        recipient=user,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(Referral),
        subject_id=5000 + n[0],
        due_on=due_on,
        title=f"Remiss {5000 + n[0]} (AB)",
        url="/",
        team_id=team_id,
    )


def test_att_gora_puts_the_own_teams_overdue_answers_first_and_names_each_team(client) -> None:
    today = timezone.localdate()
    coordinator = member(Role.KOORDINATOR)  # Halmstad/Hylte
    Membership.objects.create(user=coordinator, team=team("varberg"), role=Role.HANDLEDARE)
    own, varberg = team("halmstad-hylte"), team("varberg")
    soon = _item(coordinator, Kind.ANSWER_SOON, today + timedelta(days=1), own.pk)
    other_overdue = _item(coordinator, Kind.PLAN_OVERDUE, today - timedelta(days=30), varberg.pk)
    not_mine = _item(coordinator, Kind.ANSWER_OVERDUE, today - timedelta(days=20), varberg.pk)  # handledare there
    answer_overdue = _item(coordinator, Kind.ANSWER_OVERDUE, today - timedelta(days=2), own.pk)
    client.force_login(coordinator)
    response = client.get(reverse("reminders:inbox"))
    assert [row.pk for row in response.context["rows"]] == [answer_overdue.pk, other_overdue.pk, not_mine.pk, soon.pk]
    html = response.content.decode()
    assert html.count('class="todo-team">') == 4
    assert html.count(f'class="todo-team">{own.name}<') == 2
    assert html.count(f'class="todo-team">{varberg.name}<') == 2


def test_the_start_page_counts_what_waits_in_constant_queries(client, django_assert_max_num_queries) -> None:
    coordinator = member(Role.KOORDINATOR)
    referrer = ReferrerFactory.create()
    client.force_login(coordinator)
    builders.submitted(referrer)
    client.get(reverse("home:start"))
    with django_assert_max_num_queries(13) as baseline:
        html = client.get(reverse("home:start")).content.decode()
    assert "Väntar på dig" in html
    assert '<strong class="count">1</strong> ny remiss' in html
    assert '<strong class="count">0</strong> nya frågor' in html
    for _ in range(3):
        builders.submitted(referrer)
        builders.question(referrer)
    with django_assert_max_num_queries(len(baseline.captured_queries)):
        html = client.get(reverse("home:start")).content.decode()
    assert '<strong class="count">4</strong> nya remisser' in html
    assert '<strong class="count">3</strong> nya frågor' in html


def test_the_referrer_has_no_count(client) -> None:
    referrer = ReferrerFactory.create()
    client.force_login(referrer)
    assert "Väntar på dig" not in client.get(reverse("home:start")).content.decode()
