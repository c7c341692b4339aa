"""The journey after enrolment: phase change, extension, caseload, reassignment, closure, follow-up."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from ist import personnummer
from participants import rules
from participants.inputs import ClosureFields
from participants.models import Closure, Enrollment, ExitReason, Extension, FollowUp, Phase, PhasePeriod
from teams.models import Membership
from tests.factories import member
from tests.outbox import held
from tests.participants import builders

pytestmark = [pytest.mark.django_db, pytest.mark.template_context]  # reads response.context (tests/rendering.py)

Role = Membership.Role
HTMX = {"HTTP_HX_REQUEST": "true"}
STALE = "Någon annan har sparat ändringar medan du skrev."


def url(name: str, *args: object) -> str:
    return reverse(f"participants:{name}", args=args)


def denied_logged(user, obj) -> bool:
    return LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__outcome="denied"
    ).exists()


def read_logged(user, obj, what: str) -> bool:
    return LogEntry.objects.filter(
        actor=user, action=LogEntry.Action.ACCESS, object_pk=str(obj.pk), additional_data__what=what
    ).exists()


def field_block(html: str, name: str) -> str:
    """The markup of the form field `name`: from the start of its wrapper to the end of its input tag."""
    match = re.search(rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{name}"[^>]*>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


@pytest.fixture
def colleague():
    """A handledare of the same team who is neither responsible nor second contact: may read, not change."""
    return member(Role.HANDLEDARE)


@pytest.fixture
def outsider():
    """A coordinator of another team (Laholm)."""
    return member(Role.KOORDINATOR, "laholm")


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> held.OutboxEmails:
    return held.hold(monkeypatch)


def open_phase(enrollment: Enrollment) -> str:
    return PhasePeriod.objects.get(enrollment=enrollment, end__isnull=True).phase


def closure_post(enrollment: Enrollment, reason_code: str = "arbete", **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": enrollment.version,
        "date": timezone.localdate().isoformat(),
        "reason": ExitReason.objects.get(code=reason_code).pk,
        "occupation_after": "",
        "occupation_after_extent": "",
        "support_after": "",
        "summary": "Har fått en anställning med stöd på 50 procent.",
        "recommendations": "Fortsatt kontakt med Arbetsförmedlingen.",
        "closing_meeting_on": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# -- Phase ------------------------------------------------------------------------------------------


def test_handledare_sees_the_phase_history_and_the_next_phase_proposed(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.get(url("phase", enrollment.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Prova på" in html
    assert f"{enrollment.start_date:%Y-%m-%d}" in html
    assert response.context["form"]["to"].value() == Phase.ARBETSFORBEREDANDE
    assert read_logged(journey["handledare"], enrollment, "fasbyte")


def test_handledare_moves_the_participant_to_the_next_phase(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    today = timezone.localdate()
    response = client.post(
        url("phase", enrollment.pk), {"to": Phase.ARBETSFORBEREDANDE, "on": today.isoformat(), "reason": ""}
    )
    assert response.status_code == 302
    assert open_phase(enrollment) == Phase.ARBETSFORBEREDANDE
    page = client.get(response.url).content.decode()
    assert "är i fasen Arbetsförberedande" in page
    assert page.count("<time") >= 3  # both periods with dates


def test_changing_to_the_same_phase_changes_nothing(client, journey) -> None:
    enrollment = journey["enrollment"]
    version = enrollment.version
    client.force_login(journey["handledare"])
    response = client.post(
        url("phase", enrollment.pk), {"to": Phase.PROVA_PA, "on": timezone.localdate().isoformat(), "reason": ""}
    )
    assert response.status_code == 200
    assert "Deltagaren är redan i den fasen" in field_block(response.content.decode(), "to")
    assert PhasePeriod.objects.filter(enrollment=enrollment).count() == 1
    enrollment.refresh_from_db()
    assert enrollment.version == version


def test_moving_back_requires_a_reason(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    today = timezone.localdate().isoformat()
    client.post(url("phase", enrollment.pk), {"to": Phase.REDO_FOR_MER, "on": today, "reason": ""})
    response = client.post(url("phase", enrollment.pk), {"to": Phase.PROVA_PA, "on": today, "reason": "  "})
    assert response.status_code == 200
    assert "Ange varför deltagaren går tillbaka" in field_block(response.content.decode(), "reason")
    assert open_phase(enrollment) == Phase.REDO_FOR_MER

    response = client.post(
        url("phase", enrollment.pk), {"to": Phase.PROVA_PA, "on": today, "reason": "Behöver en lugnare start."}
    )
    assert response.status_code == 302
    assert open_phase(enrollment) == Phase.PROVA_PA
    assert PhasePeriod.objects.get(enrollment=enrollment, end__isnull=True).reason == "Behöver en lugnare start."


def test_a_phase_change_before_the_current_phase_started_is_refused_beside_the_date(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    early = (enrollment.start_date - timedelta(days=1)).isoformat()
    response = client.post(url("phase", enrollment.pk), {"to": Phase.ARBETSFORBEREDANDE, "on": early, "reason": "x"})
    assert response.status_code == 200
    block = field_block(response.content.decode(), "on")
    assert "före den nuvarande fasens start" in block
    assert f'value="{early}"' in block
    assert open_phase(enrollment) == Phase.PROVA_PA


def test_phase_change_via_htmx_returns_the_panel_only(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    response = client.post(
        url("phase", enrollment.pk),
        {"to": Phase.ARBETSFORBEREDANDE, "on": timezone.localdate().isoformat(), "reason": ""},
        **HTMX,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="phase-panel"' in html
    assert "är i fasen Arbetsförberedande" in html
    assert open_phase(enrollment) == Phase.ARBETSFORBEREDANDE
    # The new form proposes the phase after the new one.
    assert response.context["form"]["to"].value() == Phase.REDO_FOR_MER


def test_a_colleague_who_may_read_gets_403_on_phase_change(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(colleague)
    assert client.get(url("phase", enrollment.pk)).status_code == 403
    response = client.post(
        url("phase", enrollment.pk), {"to": Phase.ARBETSFORBEREDANDE, "on": timezone.localdate().isoformat()}
    )
    assert response.status_code == 403
    assert open_phase(enrollment) == Phase.PROVA_PA


def test_second_contact_may_change_the_phase(client, journey, colleague) -> None:
    enrollment = builders.enrolled(
        journey["referrer"], journey["koordinator"], journey["handledare"], second_contact=colleague
    )
    client.force_login(colleague)
    assert client.get(url("phase", enrollment.pk)).status_code == 200


def test_an_outsider_gets_404_on_phase_and_the_attempt_is_logged(client, journey, outsider) -> None:
    enrollment = journey["enrollment"]
    client.force_login(outsider)
    assert client.get(url("phase", enrollment.pk)).status_code == 404
    assert denied_logged(outsider, enrollment)


def test_anonymous_is_sent_to_login_from_the_phase_page(client, journey) -> None:
    response = client.get(url("phase", journey["enrollment"].pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_phase_of_a_closed_enrolment_cannot_change(client, journey) -> None:
    closed = journey["closed"]
    client.force_login(journey["koordinator"])
    page = client.get(url("phase", closed.pk))
    assert page.status_code == 200
    assert page.context["form"] is None
    response = client.post(url("phase", closed.pk), {"to": Phase.PROVA_PA, "on": timezone.localdate().isoformat()})
    assert response.status_code == 409
    assert "avslutad" in response.content.decode()


# -- Extension --------------------------------------------------------------------------------------


def test_coordinator_sees_target_end_the_age_limit_and_previous_extensions(client, journey) -> None:
    enrollment = journey["enrollment"]
    age = personnummer.parse(enrollment.participant.personnummer).age_on(enrollment.start_date)
    limit = rules.latest_allowed_end(enrollment.start_date, age)
    client.force_login(journey["koordinator"])
    response = client.get(url("extend", enrollment.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{enrollment.target_end:%Y-%m-%d}" in html
    assert f"{limit:%Y-%m-%d}" in html
    assert "Inriktningstiden har inte förlängts." in html


def test_coordinator_extends_within_the_limit(client, journey) -> None:
    enrollment = journey["enrollment"]
    new_end = enrollment.target_end + timedelta(days=60)
    client.force_login(journey["koordinator"])
    data = {
        "new_end": new_end.isoformat(),
        "decided_on": timezone.localdate().isoformat(),
        "decided_by": "Samverkansteamet",
        "reason": "Behöver längre tid i arbetsträning.",
    }
    response = client.post(url("extend", enrollment.pk), data)
    assert response.status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.target_end == new_end
    page = client.get(response.url).content.decode()
    assert "Samverkansteamet" in page
    assert "Behöver längre tid i arbetsträning." in page


def test_an_extension_beyond_the_age_rule_is_refused_beside_the_date(client, journey) -> None:
    enrollment = journey["enrollment"]
    target = enrollment.target_end
    too_late = (target + timedelta(days=3 * 365)).isoformat()
    client.force_login(journey["koordinator"])
    data = {"new_end": too_late, "decided_on": timezone.localdate().isoformat(), "decided_by": "ST", "reason": "Skäl"}
    response = client.post(url("extend", enrollment.pk), data)
    assert response.status_code == 200
    block = field_block(response.content.decode(), "new_end")
    assert "kan förlängas till högst" in block
    assert f'value="{too_late}"' in block
    assert "Skäl" in response.content.decode()
    assert not Extension.objects.filter(enrollment=enrollment).exists()


def test_handledare_may_not_extend(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    assert client.get(url("extend", enrollment.pk)).status_code == 403
    response = client.post(url("extend", enrollment.pk), {"new_end": "2099-01-01"})
    assert response.status_code == 403


def test_an_outsider_gets_404_on_extend(client, journey, outsider) -> None:
    client.force_login(outsider)
    assert client.get(url("extend", journey["enrollment"].pk)).status_code == 404
    assert denied_logged(outsider, journey["enrollment"])


# -- Caseload ---------------------------------------------------------------------------------------


def test_caseload_groups_active_participants_by_handledare_with_counts(client, journey, colleague) -> None:
    coordinator, referrer = journey["koordinator"], journey["referrer"]
    second = builders.enrolled(referrer, coordinator, colleague)
    client.force_login(coordinator)
    response = client.get(url("caseload"))
    assert response.status_code == 200
    groups = {g["handledare"].pk: g for g in response.context["groups"]}
    assert groups[journey["handledare"].pk]["total"] == 1
    assert groups[colleague.pk]["total"] == 1
    html = response.content.decode()
    assert url("reassign", journey["enrollment"].pk) in html
    assert url("reassign", second.pk) in html
    assert journey["closed"].participant.last_name not in html  # only active enrolments
    assert journey["participant"].personnummer_masked in html
    assert journey["participant"].personnummer not in html
    assert read_logged(coordinator, journey["enrollment"], "arbetsfördelning")


def test_caseload_is_for_coordinators_only(client, journey) -> None:
    client.force_login(journey["handledare"])
    assert client.get(url("caseload")).status_code == 403


def test_caseload_query_count_does_not_grow_with_rows(client, journey, django_assert_max_num_queries) -> None:
    coordinator, referrer, handledare = journey["koordinator"], journey["referrer"], journey["handledare"]
    others = [member(Role.HANDLEDARE) for _ in range(3)]
    client.force_login(coordinator)
    with django_assert_max_num_queries(15) as few:
        assert client.get(url("caseload")).status_code == 200
    for n in range(27):
        builders.enrolled(referrer, coordinator, [*others, handledare][n % 4])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("caseload"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].paginator.count == 28
    second_page = client.get(url("caseload") + "?sida=2")
    assert len(second_page.context["page"].object_list) == 3


# -- Reassignment -----------------------------------------------------------------------------------


def test_coordinator_reassigns_and_the_new_handledare_is_told(
    client, journey, colleague, sent, django_capture_on_commit_callbacks
) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    page = client.get(url("reassign", enrollment.pk))
    assert page.status_code == 200
    assert page.context["form"]["responsible"].value() == journey["handledare"].pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("reassign", enrollment.pk),
            {"responsible": colleague.pk, "second_contact": journey["handledare"].pk, "version": enrollment.version},
        )
    assert response.status_code == 302
    assert response.url == url("caseload")
    enrollment.refresh_from_db()
    assert (enrollment.responsible, enrollment.second_contact) == (colleague, journey["handledare"])
    assert sent == [("reassigned", enrollment.pk)]


def test_reassign_on_a_stale_version_is_409_and_keeps_the_choice(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    response = client.post(
        url("reassign", enrollment.pk),
        {"responsible": colleague.pk, "second_contact": "", "version": enrollment.version - 1},
    )
    assert response.status_code == 409
    assert STALE in response.content.decode()
    assert response.context["form"]["responsible"].value() == str(colleague.pk)
    assert response.context["form"]["version"].value() == str(enrollment.version)
    enrollment.refresh_from_db()
    assert enrollment.responsible == journey["handledare"]


def test_reassign_refuses_the_same_person_as_second_contact(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    response = client.post(
        url("reassign", enrollment.pk),
        {"responsible": colleague.pk, "second_contact": colleague.pk, "version": enrollment.version},
    )
    assert response.status_code == 200
    assert "en annan handledare" in field_block(response.content.decode(), "second_contact")


def test_handledare_may_not_reassign(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.post(url("reassign", enrollment.pk), {"responsible": colleague.pk, "version": enrollment.version})
    assert response.status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.responsible == journey["handledare"]


# -- Closure ----------------------------------------------------------------------------------------


def test_closure_form_groups_exit_reasons_into_completions_and_interruptions(client, journey) -> None:
    client.force_login(journey["handledare"])
    response = client.get(url("close", journey["enrollment"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    completions = html.index('<optgroup label="Avslut enligt plan">')
    interruptions = html.index('<optgroup label="Avbrott">')
    assert completions < html.index(">Arbete</option>") < interruptions < html.index(">Avbrott av hälsoskäl</option>")
    assert read_logged(journey["handledare"], journey["enrollment"], "avslut")


def test_handledare_closes_the_enrolment_and_follow_ups_become_due(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    response = client.post(url("close", enrollment.pk), closure_post(enrollment))
    assert response.status_code == 302
    assert response.url == url("detail", enrollment.pk)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CLOSED
    assert enrollment.closure.summary == "Har fått en anställning med stöd på 50 procent."
    assert sorted(enrollment.follow_ups.values_list("months", flat=True)) == [6, 12]
    assert not PhasePeriod.objects.filter(enrollment=enrollment, end__isnull=True).exists()


def test_closing_twice_is_refused_with_a_clear_message(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    data = closure_post(enrollment)
    assert client.post(url("close", enrollment.pk), data).status_code == 302
    again = client.post(url("close", enrollment.pk), data | {"summary": "Ett annat avslut"})
    assert again.status_code == 409
    assert "redan avslutad" in again.content.decode()
    assert Closure.objects.filter(enrollment=enrollment).count() == 1
    assert Closure.objects.get(enrollment=enrollment).summary != "Ett annat avslut"
    # The page of a closed enrolment shows the closure instead of a form.
    page = client.get(url("close", enrollment.pk))
    assert page.context["form"] is None
    assert "Inskrivningen är avslutad" in page.content.decode()


def test_health_closure_without_consultation_is_refused_beside_the_field_keeping_the_input(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    data = closure_post(enrollment, "halsa", summary="Orkar inte delta just nu.", parties_consulted="on")
    response = client.post(url("close", enrollment.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vårdgivaren och övriga parter ha hörts" in field_block(html, "care_provider_consulted")
    assert "Orkar inte delta just nu." in html
    assert re.search(r'name="parties_consulted"[^>]*checked', html)
    assert re.search(rf'<option value="{data["reason"]}" selected>', html)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE

    both = data | {"care_provider_consulted": "on"}
    assert client.post(url("close", enrollment.pk), both).status_code == 302
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CLOSED


def test_closure_on_a_stale_version_is_409_and_keeps_the_text(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    data = closure_post(enrollment, version=enrollment.version - 1, summary="Min sammanfattning")
    response = client.post(url("close", enrollment.pk), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert STALE in html
    assert "Min sammanfattning" in html
    assert response.context["form"]["version"].value() == str(enrollment.version)


def test_closure_before_the_start_is_refused_beside_the_date(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    early = (enrollment.start_date - timedelta(days=1)).isoformat()
    response = client.post(url("close", enrollment.pk), closure_post(enrollment, date=early))
    assert response.status_code == 200
    assert "före starten" in field_block(response.content.decode(), "date")


def test_a_colleague_may_not_close(client, journey, colleague) -> None:
    enrollment = journey["enrollment"]
    client.force_login(colleague)
    assert client.get(url("close", enrollment.pk)).status_code == 403
    assert client.post(url("close", enrollment.pk), closure_post(enrollment)).status_code == 403
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ACTIVE


def test_the_referrer_may_not_close(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["referrer"])
    assert client.post(url("close", enrollment.pk), closure_post(enrollment)).status_code == 403


def test_an_outsider_gets_404_on_close(client, journey, outsider) -> None:
    client.force_login(outsider)
    assert client.get(url("close", journey["enrollment"].pk)).status_code == 404
    assert denied_logged(outsider, journey["enrollment"])


# -- Follow-up --------------------------------------------------------------------------------------


def test_handledare_sees_due_follow_ups_with_a_link(client, journey) -> None:
    follow_up = journey["follow_up"]
    client.force_login(journey["handledare"])
    response = client.get(url("follow_ups"))
    assert response.status_code == 200
    html = response.content.decode()
    assert url("follow_up", follow_up.pk) in html
    assert f"{follow_up.due_on:%Y-%m-%d}" in html
    assert journey["closed"].participant.personnummer_masked in html
    assert read_logged(journey["handledare"], journey["closed"], "uppföljningar")


def test_follow_ups_query_count_does_not_grow_with_rows(client, journey, django_assert_max_num_queries) -> None:
    from participants import services

    coordinator, referrer, handledare = journey["koordinator"], journey["referrer"], journey["handledare"]
    client.force_login(handledare)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url("follow_ups")).status_code == 200
    for _ in range(5):
        closed = builders.enrolled(referrer, coordinator, handledare, start=timezone.localdate() - timedelta(days=500))
        services.close(
            enrollment=closed,
            by=coordinator,
            values=ClosureFields(
                date=timezone.localdate() - timedelta(days=190), reason=ExitReason.objects.get(code="arbete")
            ),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("follow_ups"))
    assert len(response.context["rows"]) == 6


def test_follow_ups_page_is_for_team_staff(client, journey) -> None:
    client.force_login(journey["samverkansteam"])
    assert client.get(url("follow_ups")).status_code == 403


def test_follow_up_is_recorded_once(client, journey) -> None:
    follow_up = journey["follow_up"]
    client.force_login(journey["handledare"])
    response = client.post(url("follow_up", follow_up.pk), {"found": FollowUp.Found.WORK, "note": "Heltid."})
    assert response.status_code == 302
    again = client.post(url("follow_up", follow_up.pk), {"found": FollowUp.Found.OTHER, "note": "Ändrat"}, follow=True)
    follow_up.refresh_from_db()
    assert (follow_up.found, follow_up.note) == (FollowUp.Found.WORK, "Heltid.")
    html = again.content.decode()
    assert "redan registrerad" in html
    assert "Arbete" in html
    assert again.context["form"] is None
    # Recorded: no longer due.
    assert url("follow_up", follow_up.pk) not in client.get(url("follow_ups")).content.decode()


def test_follow_up_requires_a_result(client, journey) -> None:
    follow_up = journey["follow_up"]
    client.force_login(journey["handledare"])
    response = client.post(url("follow_up", follow_up.pk), {"found": "", "note": "Ringde två gånger."})
    assert response.status_code == 200
    assert "Ringde två gånger." in response.content.decode()
    assert response.context["form"].errors["found"]


def test_follow_up_access_referrer_403_outsider_404(client, journey, outsider) -> None:
    follow_up = journey["follow_up"]
    client.force_login(journey["referrer"])
    assert client.post(url("follow_up", follow_up.pk), {"found": "work"}).status_code == 403
    client.force_login(outsider)
    assert client.get(url("follow_up", follow_up.pk)).status_code == 404
    assert denied_logged(outsider, follow_up)
    follow_up.refresh_from_db()
    assert follow_up.found == ""


def test_a_stale_phase_form_is_refused_and_keeps_the_choice(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["handledare"])
    url = reverse("participants:phase", args=[enrollment.pk])
    opened = enrollment.version
    today = timezone.localdate().isoformat()
    first = client.post(url, {"to": "arbetsforberedande", "on": today, "reason": "", "version": opened})
    assert first.status_code == 302
    second = client.post(url, {"to": "redo_for_mer", "on": today, "reason": "", "version": opened})
    assert second.status_code == 409
    assert "Någon annan har sparat" in second.content.decode()
    assert '<option value="redo_for_mer" selected>' in second.content.decode()  # the choice is kept
    assert enrollment.phase_periods.get(end__isnull=True).phase == "arbetsforberedande"


def test_a_double_submitted_extension_is_recorded_once(client, journey) -> None:
    enrollment = journey["enrollment"]
    client.force_login(journey["koordinator"])
    url = reverse("participants:extend", args=[enrollment.pk])
    data = {
        "new_end": (enrollment.target_end + timedelta(days=30)).isoformat(),
        "decided_on": timezone.localdate().isoformat(),
        "decided_by": "Samverkansteamet",
        "reason": "Behöver mer tid i arbetsträning.",
        "version": enrollment.version,
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 409
    assert enrollment.extensions.count() == 1
