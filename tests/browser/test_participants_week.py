"""A handledare fills in the week: one activity from the grid, week to week, a group session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from participants import rules
from participants.models import Activity, GroupSession
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders

pytestmark = pytest.mark.browser


def seed_rules() -> None:
    """The live server's flushed database lost the phase table the data migration seeded."""
    seed_rules_and_lists(apps)


def test_handledare_logs_the_week_from_the_grid_and_a_group_session(
    page: Page, check_a11y, log_in, screenshot, notifications_sent
) -> None:
    seed_rules()
    handledare = User.objects.get(email="handledare@ist.example")
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    alva = builders.enrolled(referrer, coordinator, handledare, first_name="Alva", last_name="Andersson")
    bertil = builders.enrolled(referrer, coordinator, handledare, first_name="Bertil", last_name="Berg")
    today = timezone.localdate()
    this_week = rules.week_label(today)
    last_week = rules.week_label(today - timedelta(weeks=1))

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)

    # Min vecka: both participants, nothing logged yet.
    page.goto("/deltagare/vecka/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Min vecka – {this_week}")
    alva_row, bertil_row = page.locator(f"#rad-{alva.pk}"), page.locator(f"#rad-{bertil.pk}")
    alva_physical = alva_row.get_by_role("cell").nth(0)
    bertil_physical = bertil_row.get_by_role("cell").nth(0)
    expect(alva_physical).to_contain_text("Krav: 1/v.")
    expect(alva_physical.locator(".week-status")).to_have_text("Pågår")  # this week is not over
    expect(alva_row.get_by_role("rowheader")).to_contain_text("Prova på, vecka")
    expect(alva_row.get_by_role("rowheader")).to_contain_text(alva.participant.personnummer_masked)
    check_a11y(page)

    # One cell, by keyboard: the form opens in Alva's row, focus in its first field; Enter sends it.
    alva_physical.get_by_role("link", name="Logga fysisk träning för Alva Andersson").focus()
    page.keyboard.press("Enter")
    form = page.locator("#loggrad")
    expect(form.get_by_label("Datum")).to_be_focused()
    expect(page.locator(f"#rad-{alva.pk} + #loggrad")).to_have_count(1)  # right below Alva's row
    expect(form.get_by_role("heading", name="Ny aktivitet för Alva Andersson")).to_be_visible()
    expect(form.get_by_label("Aktivitet")).to_have_value("fysisk")
    expect(form.get_by_label("Datum")).to_have_value(today.isoformat())
    expect(form.get_by_label("Närvarande")).to_be_checked()
    check_a11y(page)
    form.get_by_label("Anteckning").fill("Promenad längs Nissan")
    form.get_by_label("Anteckning").press("Enter")
    expect(page.locator("#vecka-status")).to_contain_text("Sparat: Fysisk träning")
    expect(alva_physical.locator(".week-status")).to_have_text("Uppfyllt")
    expect(alva_physical.get_by_role("link", name=f"Närvarande {today:%Y-%m-%d}", exact=False)).to_be_visible()
    expect(bertil_physical.locator(".week-status")).to_have_text("Pågår")
    expect(bertil_physical.get_by_role("link", name="Logga fysisk träning för Bertil Berg")).to_be_focused()
    expect(page.locator("#loggrad")).to_have_count(0)
    check_a11y(page)

    # One click back a week and one forward again.
    page.get_by_role("link", name="Föregående vecka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Min vecka – {last_week}")
    expect(page.locator(f"#rad-{alva.pk}").get_by_role("cell").nth(0).locator(".week-status")).to_have_text(
        "Inte uppfyllt"  # a past week: nothing was logged
    )
    assert f"vecka={rules.week_param(rules.week_start(today) - timedelta(weeks=1))}" in page.url
    check_a11y(page)
    page.get_by_role("link", name="Nästa vecka").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Min vecka – {this_week}")
    expect(page.locator(f"#rad-{alva.pk}").get_by_role("cell").nth(0).locator(".week-status")).to_have_text("Uppfyllt")
    check_a11y(page)

    # A group session for both: Alva present, Bertil away with notice.
    page.get_by_role("link", name="Logga en gruppaktivitet").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga en gruppaktivitet")
    check_a11y(page)
    page.get_by_label("Aktivitet").select_option("fysisk")
    page.get_by_label("Längd (minuter)").fill("45")
    page.get_by_role("group", name="Närvaro för Alva Andersson").get_by_label("Närvarande").check()
    page.get_by_role("group", name="Närvaro för Bertil Berg").get_by_label("Anmäld frånvaro", exact=True).check()
    page.get_by_role("button", name="Spara gruppaktiviteten").click()

    expect(page.get_by_role("status")).to_contain_text("Gruppaktiviteten är sparad för 2 deltagare.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Min vecka – {this_week}")
    alva_physical = page.locator(f"#rad-{alva.pk}").get_by_role("cell").nth(0)
    bertil_physical = page.locator(f"#rad-{bertil.pk}").get_by_role("cell").nth(0)
    expect(alva_physical.locator(".week-mark")).to_have_count(2)
    expect(alva_physical.locator(".week-status")).to_have_text("Uppfyllt")
    expect(bertil_physical.locator(".week-status")).to_have_text("Anmäld frånvaro")  # not "Delvis"
    expect(bertil_physical).to_contain_text("Anmäld frånvaro")
    check_a11y(page)
    screenshot(page, "min-vecka")

    session = GroupSession.objects.get()
    assert session.duration_minutes == 45
    assert Activity.objects.filter(enrollment=alva).count() == 2
    assert Activity.objects.get(enrollment=alva, group_session=None).note == "Promenad längs Nissan"
    assert Activity.objects.get(enrollment=bertil).attendance == "excused"


def test_three_participants_logged_with_the_keyboard_only_at_most_five_keys_each(
    page: Page, check_a11y, log_in
) -> None:
    """Issue 19.3: a week logged by keyboard. Entry 1: L (to the first "Logga"), Enter (the form
    opens in the row, focus in the date), Enter (saved; focus on the next row's same cell). Entry
    2: Enter, Enter. Entry 3: Tab to "✓ 60 min", Enter ("närvarande, standardlängd")."""
    seed_rules()
    handledare = User.objects.get(email="handledare@ist.example")
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    people = [
        builders.enrolled(referrer, coordinator, handledare, first_name=first, last_name=last)
        for first, last in (("Alva", "Andersson"), ("Bertil", "Berg"), ("Cecilia", "Carlsson"))
    ]
    Activity.objects.filter(enrollment__in=people).delete()
    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)
    page.goto("/deltagare/vecka/")
    expect(page.locator(".week-keys")).to_contain_text("Enter")  # the page states the keys
    check_a11y(page)

    keys: list[list[str]] = []

    def press(key: str) -> None:
        keys[-1].append(key)
        page.keyboard.press(key)

    def logga(person) -> Locator:
        return page.get_by_role("link", name=f"Logga fysisk träning för {person.participant}")

    status = page.locator("#vecka-status")
    for n, person in enumerate(people[:2]):
        keys.append([])
        if n == 0:
            press("l")
        expect(logga(person)).to_be_focused()
        press("Enter")
        expect(page.locator("#loggrad").get_by_label("Datum")).to_be_focused()
        if n == 0:
            check_a11y(page)  # the form open in the row
        press("Enter")
        expect(status).to_contain_text(
            f"Sparat: Fysisk träning {timezone.localdate():%Y-%m-%d} för {person.participant}"
        )
    expect(logga(people[2])).to_be_focused()

    keys.append([])
    press("Tab")
    quick = page.get_by_role("button", name=f"Närvarande, fysisk träning 60 minuter, för {people[2].participant}")
    expect(quick).to_be_focused()
    press("Enter")
    expect(status).to_contain_text(f"närvarande 60 min, {timezone.localdate():%Y-%m-%d} för {people[2].participant}")
    expect(page.locator(f"#rad-{people[2].pk}").get_by_role("cell").nth(0).locator(".week-status")).to_have_text(
        "Uppfyllt"
    )
    check_a11y(page)

    assert [len(entry) for entry in keys] == [3, 2, 2]
    assert all(len(entry) <= 5 for entry in keys)
    logged = Activity.objects.filter(enrollment__in=people).order_by("enrollment__participant__last_name")
    assert [(a.enrollment_id, a.kind_id, a.attendance, a.duration_minutes) for a in logged] == [
        (p.pk, "fysisk", "present", 60) for p in people
    ]

    # Esc closes a form opened by mistake and gives the focus back to its "Logga".
    logga(people[0]).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#loggrad").get_by_label("Datum")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("#loggrad")).to_have_count(0)
    expect(logga(people[0])).to_be_focused()
