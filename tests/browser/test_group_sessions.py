"""Issue 19.4: a handledare saves a group, logs its session in one go (everyone preselected as
present, two exceptions), then tries to save the same session again and is refused with a link."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import Page, expect

from participants.models import Activity, ActivityGroup, GroupSession, Weekday
from participants.reference import seed_rules_and_lists
from teams.models import User
from tests.participants import builders

pytestmark = pytest.mark.browser


def test_handledare_logs_a_saved_groups_session_with_two_exceptions_and_cannot_store_it_twice(
    page: Page, check_a11y, log_in, screenshot
) -> None:
    seed_rules_and_lists(apps)  # the live server's flushed database lost the seeded kinds and rules
    handledare = User.objects.get(email="handledare@ist.example")
    coordinator = User.objects.get(email="koordinator@ist.example")
    referrer = User.objects.get(email="remittent.fk@ist.example")
    people = [
        builders.enrolled(referrer, coordinator, handledare, first_name=first, last_name=last)
        for first, last in (("Alva", "Andersson"), ("Bertil", "Berg"), ("Cecilia", "Carlsson"), ("David", "Dahl"))
    ]
    alva, bertil, cecilia, _ = people
    today = timezone.localdate()
    weekday = Weekday(today.weekday()).label

    page.goto("/konto/login/")
    check_a11y(page)
    log_in(page, "handledare@ist.example")
    check_a11y(page)

    # A saved group: three of the four participants, ticked in a list of her own participants.
    page.goto("/deltagare/vecka/")
    check_a11y(page)
    page.get_by_role("link", name="Grupper", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Grupper")
    check_a11y(page)
    page.get_by_role("link", name="Ny grupp").click()
    check_a11y(page)
    page.get_by_label("Namn").fill("Morgongympa")
    page.get_by_label("Aktivitet").select_option("fysisk")
    page.get_by_label("Veckodag").select_option(str(today.weekday()))
    page.get_by_label("Klockan").fill("09:30")
    page.get_by_label("Längd (minuter)").fill("60")
    members = page.get_by_role("group", name="Deltagare i gruppen")
    for person in people[:3]:
        members.get_by_label(str(person.participant)).check()
    page.get_by_role("button", name="Spara gruppen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Morgongympa")
    expect(page.locator(".lead")).to_contain_text(f"{weekday}ar 09:30")
    check_a11y(page)

    # From Min vecka's "Gruppträffar": today's session, everyone preselected as present.
    page.goto("/deltagare/vecka/")
    groups = page.locator(".week-groups")
    expect(groups.get_by_role("heading", name="Gruppträffar")).to_be_visible()
    check_a11y(page)
    groups.get_by_role("link", name=f"Logga träffen {today:%Y-%m-%d}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga träff – Morgongympa")
    expect(page.get_by_label("Datum")).to_be_focused()  # everything prefilled: the first field
    expect(page.get_by_label("Datum")).to_have_value(today.isoformat())
    expect(page.get_by_label("Klockan")).to_have_value("09:30")
    for person in people[:3]:
        expect(
            page.get_by_role("group", name=f"Närvaro för {person.participant}").get_by_label("Närvarande")
        ).to_be_checked()
    check_a11y(page)

    # The two exceptions: Bertil by a click, Cecilia by keyboard (arrow keys move the radio).
    page.get_by_role("group", name=f"Närvaro för {bertil.participant}").get_by_label(
        "Anmäld frånvaro", exact=True
    ).check()
    cecilia_present = page.get_by_role("group", name=f"Närvaro för {cecilia.participant}").get_by_label("Närvarande")
    cecilia_present.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(
        page.get_by_role("group", name=f"Närvaro för {cecilia.participant}").get_by_label("Oanmäld frånvaro")
    ).to_be_checked()
    page.get_by_role("button", name="Spara gruppträffen").click()

    expect(page.locator(".messages")).to_contain_text(
        f"Gruppträffen Morgongympa {today:%Y-%m-%d} är sparad: 1 närvarande, 2 frånvarande."
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text("Min vecka")
    expect(page.locator(".week-groups")).to_contain_text("1 av 3 närvarande")
    expect(page.locator(f"#rad-{bertil.pk}").get_by_role("cell").nth(0)).to_contain_text("Anmäld frånvaro")
    check_a11y(page)
    screenshot(page, "min-vecka-gruppträffar")

    # Back and "Spara" again: refused, with a link to the stored session; nothing stored twice.
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga träff – Morgongympa")
    check_a11y(page)
    page.get_by_role("button", name="Spara gruppträffen").click()
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("Gruppträffen är redan registrerad – ändra den i stället.")
    check_a11y(page)
    assert GroupSession.objects.count() == 1
    session = GroupSession.objects.get()
    assert dict(session.activities.values_list("enrollment_id", "attendance")) == {
        alva.pk: "present",
        bertil.pk: "excused",
        cecilia.pk: "unexcused",
    }
    assert Activity.objects.filter(group_session__isnull=False).count() == 3

    # The link opens the session, to correct it as a whole.
    refusal.get_by_role("link", name=f"Öppna träffen {today:%Y-%m-%d} 09:30").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rätta gruppträffen {today:%Y-%m-%d}")
    check_a11y(page)
    page.get_by_role("group", name=f"Närvaro för {bertil.participant}").get_by_label("Närvarande").check()
    page.get_by_role("button", name="Spara ändringarna").click()
    expect(page.locator(".messages")).to_contain_text("är rättad: 2 närvarande, 1 frånvarande")
    check_a11y(page)
    assert ActivityGroup.objects.get().sessions.get().activities.get(enrollment=bertil).attendance == "present"
