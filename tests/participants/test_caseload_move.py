"""Arbetsfördelning, "Flytta markerade": many participants get a new handledare (and second contact)
in one step through `services.reassign_many`, the mechanism the handover uses too."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from ist.messaging.registry import deliver
from ist.outbox.models import Message
from participants import emails, services
from participants.models import Enrollment, EnrollmentEvent
from teams.models import Membership, Team
from tests.factories import member
from tests.participants import builders

pytestmark = pytest.mark.django_db

URL = "participants:caseload_move"


@pytest.fixture
def three(journey):
    """Three active participants of journey["handledare"] in Halmstad/Hylte (with the journey's one)."""
    coordinator, referrer, handledare = journey["koordinator"], journey["referrer"], journey["handledare"]
    return [journey["enrollment"], *(builders.enrolled(referrer, coordinator, handledare) for _ in range(2))]


def _selection(enrollments: list[Enrollment]) -> list[str]:
    return [f"{e.pk}-{e.version}" for e in enrollments]


def _told() -> list[int]:
    """Whom the outbox tells of a bulk move (user ids, one per e-mail)."""
    return sorted(m.args[0] for m in Message.objects.filter(name=emails.REASSIGNED_MANY))


def test_move_sets_handledare_and_second_contact_logs_each_and_tells_each_new_person_once(journey, three):
    new, second = member("handledare"), member("handledare")
    result = services.reassign_many(
        enrollment_ids={e.pk: e.version for e in three}, by_user=new, second_contact=second, by=journey["koordinator"]
    )
    assert sorted(result.moved) == sorted(e.pk for e in three)
    assert result.stale == ()
    for enrollment in Enrollment.objects.filter(pk__in=[e.pk for e in three]):
        assert (enrollment.responsible_id, enrollment.second_contact_id) == (new.pk, second.pk)
    events = EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.REASSIGNED, enrollment__in=three)
    assert events.count() == 3
    assert all("andra kontaktperson ingen →" in e.message for e in events)
    assert _told() == sorted([new.pk, second.pk])
    mail.outbox.clear()
    deliver(emails.REASSIGNED_MANY, new.pk)
    assert [m.to for m in mail.outbox] == [[new.email]]


def test_double_submit_changes_nothing_twice_and_sends_nothing_twice(journey, three):
    new = member("handledare")
    seen = {e.pk: e.version for e in three}
    by = journey["koordinator"]
    assert len(services.reassign_many(enrollment_ids=seen, by_user=new, by=by).moved) == 3
    again = services.reassign_many(enrollment_ids=seen, by_user=new, by=by)
    assert again.moved == ()
    assert again.stale == ()
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.REASSIGNED, enrollment__in=three).count() == 3
    assert len(_told()) == 1


def test_a_row_changed_meanwhile_is_reported_stale_and_not_overwritten(journey, three):
    new, other = member("handledare"), member("handledare")
    seen = {e.pk: e.version for e in three}
    by = journey["koordinator"]
    first = three[0]
    services.reassign(
        enrollment=first, responsible=other, second_contact=None, by=by, expected_version=first.version
    )  # a colleague moved it after the list was shown
    result = services.reassign_many(enrollment_ids=seen, by_user=new, second_contact=services.KEEP, by=by)
    assert result.stale == (first.pk,)
    assert sorted(result.moved) == sorted(e.pk for e in three[1:])
    assert Enrollment.objects.get(pk=first.pk).responsible_id == other.pk


def test_keep_leaves_each_second_contact_and_drops_it_when_it_is_the_new_handledare(journey):
    coordinator, referrer = journey["koordinator"], journey["referrer"]
    old, new, kept = member("handledare"), member("handledare"), member("handledare")
    a = builders.enrolled(referrer, coordinator, old, second_contact=kept)
    b = builders.enrolled(referrer, coordinator, old, second_contact=new)
    services.reassign_many(enrollment_ids=[a.pk, b.pk], by_user=new, by=coordinator)
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.responsible_id, a.second_contact_id) == (new.pk, kept.pk)
    assert (b.responsible_id, b.second_contact_id) == (new.pk, None)
    assert _told() == [new.pk]  # `kept` was second contact before


def test_the_page_moves_the_ticked_rows_after_one_confirmation(client, journey, three):
    new = member("handledare")
    client.force_login(journey["koordinator"])
    caseload = client.get(reverse("participants:caseload")).content.decode()
    assert f'value="{three[0].pk}-{three[0].version}"' in caseload
    assert "Flytta markerade" in caseload
    confirm = client.get(reverse(URL), {"e": _selection(three[:2])})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Flytta 2 deltagare" in html
    assert new.get_full_name() in html
    data = {"e": _selection(three[:2]), "responsible": new.pk, "second_contact": "keep"}
    response = client.post(reverse(URL), data)
    assert response.status_code == 302
    assert Enrollment.objects.filter(responsible=new).count() == 2
    assert client.post(reverse(URL), data).status_code == 302  # double submit: nothing twice
    assert EnrollmentEvent.objects.filter(kind=EnrollmentEvent.Kind.REASSIGNED).count() == 2
    assert len(_told()) == 1


def test_the_page_reports_stale_rows(client, journey, three):
    new, other = member("handledare"), member("handledare")
    selection = _selection(three)
    services.reassign(
        enrollment=three[1],
        responsible=other,
        second_contact=None,
        by=journey["koordinator"],
        expected_version=three[1].version,
    )
    client.force_login(journey["koordinator"])
    response = client.post(reverse(URL), {"e": selection, "responsible": new.pk, "second_contact": "none"})
    assert response.status_code == 409
    assert "1 deltagare flyttades inte" in response.content.decode()
    assert Enrollment.objects.get(pk=three[1].pk).responsible_id == other.pk


def test_only_the_teams_handledare_are_offered_and_accepted(client, journey, three):
    outsider = member("handledare", "laholm")
    client.force_login(journey["koordinator"])
    assert outsider.get_full_name() not in client.get(reverse(URL), {"e": _selection(three)}).content.decode()
    response = client.post(reverse(URL), {"e": _selection(three), "responsible": outsider.pk, "second_contact": "keep"})
    assert response.status_code == 200
    assert not Enrollment.objects.filter(responsible=outsider).exists()


def test_the_second_contact_must_differ_from_the_handledare(client, journey, three):
    new = member("handledare")
    client.force_login(journey["koordinator"])
    data = {"e": _selection(three), "responsible": new.pk, "second_contact": str(new.pk)}
    response = client.post(reverse(URL), data)
    assert response.status_code == 200
    assert "ska vara en annan handledare" in response.content.decode()


def test_a_coordinator_of_another_team_gets_404_and_a_handledare_403(client, journey, three):
    held = Enrollment.objects.filter(responsible=journey["handledare"]).count()
    client.force_login(member("koordinator", "laholm"))
    assert client.get(reverse(URL), {"e": _selection(three)}).status_code == 404
    data = {"e": _selection(three), "responsible": journey["handledare"].pk, "second_contact": "keep"}
    assert client.post(reverse(URL), data).status_code == 404
    client.force_login(journey["handledare"])
    assert client.get(reverse(URL), {"e": _selection(three)}).status_code == 403
    assert Enrollment.objects.filter(responsible=journey["handledare"]).count() == held


def test_rows_of_two_teams_are_refused(client, journey, three):
    laholm = Team.objects.get(slug="laholm")
    Membership.objects.create(user=journey["koordinator"], team=laholm, role=Membership.Role.KOORDINATOR)
    other = builders.enrolled(journey["referrer"], journey["koordinator"], member("handledare", "laholm"))
    Enrollment.objects.filter(pk=other.pk).update(team=laholm)  # enrolled in Laholm (test setup)
    client.force_login(journey["koordinator"])
    response = client.get(reverse(URL), {"e": _selection([three[0], other])})
    assert response.status_code == 200
    assert "ett team i taget" in response.content.decode()


def test_the_confirmation_is_constant_in_queries(client, journey, three, django_assert_max_num_queries):
    client.force_login(journey["koordinator"])
    client.get(reverse(URL), {"e": _selection(three[:2])})
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(URL), {"e": _selection(three[:2])})
    more = [builders.enrolled(journey["referrer"], journey["koordinator"], journey["handledare"]) for _ in range(2)]
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(URL), {"e": _selection([*three, *more])})
