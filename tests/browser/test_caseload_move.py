"""A coordinator ticks two participants in Arbetsfördelning and gives them a new handledare and
second contact in one step; the new handledare is told once."""

from __future__ import annotations

import pytest
from django.apps import apps
from playwright.sync_api import Page, expect

from participants.models import Enrollment
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.factories import member
from tests.participants import builders

pytestmark = pytest.mark.browser


@pytest.fixture
def two(page: Page, notifications_sent) -> list[Enrollment]:
    seed_rules_and_lists(apps)  # the browser tests' database is flushed after each test
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    handledare = User.objects.get(email="handledare@ist.example")
    return [
        builders.enrolled(referrer, coordinator, handledare, first_name="Greta", last_name="Grönberg"),
        builders.enrolled(referrer, coordinator, handledare, first_name="Hugo", last_name="Hallberg"),
    ]


def test_coordinator_moves_ticked_participants_in_one_step(page: Page, check_a11y, log_in, two, notifications_sent):
    new = member("handledare", first_name="Nora", last_name="Nyström")
    second = member("handledare", first_name="Sixten", last_name="Sandell")
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.goto("/deltagare/arbetsfordelning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Arbetsfördelning")
    check_a11y(page)
    page.get_by_role("checkbox", name="Markera Greta Grönberg").check()
    page.get_by_role("checkbox", name="Markera Hugo Hallberg").check()
    page.get_by_role("button", name="Flytta markerade").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Flytta deltagare")
    check_a11y(page)
    page.get_by_label("Ny ansvarig handledare").select_option(label=new.get_full_name())
    page.get_by_label("Andra kontaktperson").select_option(label=second.get_full_name())
    page.get_by_role("button", name="Flytta 2 deltagare").click()

    expect(page.locator(".messages[role=status]")).to_contain_text(
        f"2 deltagare har {new.get_full_name()} som ansvarig handledare"
    )
    check_a11y(page)
    for enrollment in two:
        enrollment.refresh_from_db()
        assert (enrollment.responsible_id, enrollment.second_contact_id) == (new.pk, second.pk)
    told = sorted(object_id for kind, object_id in notifications_sent if kind == "reassigned_many")
    assert told == sorted([new.pk, second.pk])  # each new person once


def test_coordinator_of_both_teams_moves_a_participant_to_another_team(
    page: Page, check_a11y, log_in, two, notifications_sent
):
    from django.utils import timezone

    from teams.models import Membership, Team

    laholm = Team.objects.get(slug="laholm")
    coordinator = User.objects.get(email="koordinator@ist.example")
    Membership.objects.get_or_create(user=coordinator, team=laholm, role=Membership.Role.KOORDINATOR)
    receiver = member("handledare", "laholm", first_name="Lars", last_name="Ljung")
    enrollment = two[0]
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "koordinator@ist.example")
    check_a11y(page)

    page.goto(f"/deltagare/{enrollment.pk}/")
    check_a11y(page)
    page.get_by_role("link", name="Flytta till annat team").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flytta till annat team")
    check_a11y(page)
    page.get_by_label("Till team").select_option(label=laholm.name)
    page.get_by_label("Flyttdatum").fill(timezone.localdate().isoformat())
    page.get_by_role("button", name="Föreslå flytt").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Flytt till {laholm.name}")
    check_a11y(page)
    page.get_by_label("Ansvarig handledare i det nya teamet").select_option(label=receiver.get_full_name())
    page.get_by_role("button", name="Godkänn flytten").click()

    expect(page.locator(".messages[role=status]")).to_contain_text(f"Deltagaren är inskriven i {laholm.name}")
    check_a11y(page)
    enrollment.refresh_from_db()
    assert (enrollment.team_id, enrollment.responsible_id) == (laholm.pk, receiver.pk)
    assert ("reassigned", enrollment.pk) in notifications_sent
