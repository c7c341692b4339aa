"""New work announced (referrals/arrivals.py, ist/reminders/announce.py): who gets an item, who an
e-mail at once, the team mailbox, each once; and the referrer's komplettering in "Att göra"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from ist.messaging.registry import deliver
from ist.outbox.models import Message
from ist.reminders import digest
from ist.reminders.announce import NEW_WORK_EMAIL
from ist.reminders.models import EmailTiming, Kind, Notification
from ist.reminders.sweeps import sweep
from referrals import emails, services
from referrals.models import AgendaItem, Referral
from teams.models import Membership, Team
from tests.factories import ReferrerFactory, member, team
from tests.referrals import builders

pytestmark = pytest.mark.django_db
Decision = AgendaItem.Decision


@pytest.fixture
def referrer():
    return ReferrerFactory(email="remittent@test.example")


@pytest.fixture
def coordinators():
    """Two coordinators of Halmstad/Hylte: one wants e-mail at once, one the digest (the default)."""
    at_once = member(Membership.Role.KOORDINATOR, email="direkt@ist.example")
    EmailTiming.objects.create(user=at_once, new_work=EmailTiming.When.AT_ONCE)
    digest_user = member(Membership.Role.KOORDINATOR, email="sammanfattning@ist.example")
    other_team = member(Membership.Role.KOORDINATOR, "varberg", email="varberg@ist.example")
    return at_once, digest_user, other_team


def items(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind).order_by("recipient_id"))


def emails_of(name: str) -> list[Message]:
    return list(Message.objects.filter(name=name))


def test_a_sent_referral_raises_an_item_for_each_coordinator_of_its_team_at_once(referrer, coordinators) -> None:
    at_once, digest_user, _other_team = coordinators
    referral = builders.submitted(referrer)
    raised = items(Kind.NEW_REFERRAL)
    assert {n.recipient_id for n in raised} == {at_once.pk, digest_user.pk}  # not Varberg's coordinator
    assert all(n.team_id == referral.team_id and n.due_on == referral.answer_deadline for n in raised)
    assert all(referral.last_name not in n.title and referral.personnummer not in n.title for n in raised)
    # E-mail at once to the one who chose it, through the outbox, once; the other waits for the digest.
    sent = emails_of(NEW_WORK_EMAIL)
    assert len(sent) == 1
    item = Notification.objects.get(pk=sent[0].args[0])
    assert item.recipient_id == at_once.pk
    assert item.emailed_at_once
    assert deliver(NEW_WORK_EMAIL, item.pk) == 1
    assert mail.outbox[-1].to == ["direkt@ist.example"]
    assert referral.personnummer not in mail.outbox[-1].body
    assert referral.last_name not in mail.outbox[-1].body
    assert "Halmstad" in mail.outbox[-1].subject
    # The digest carries it for the other coordinator only: never twice for the one told at once.
    pending = set(
        digest.pending(timezone.localdate()).filter(kind=Kind.NEW_REFERRAL).values_list("recipient_id", flat=True)
    )
    assert pending == {digest_user.pk}


def test_the_sweep_and_a_second_submit_add_nothing(referrer, coordinators) -> None:
    referral = builders.submitted(referrer)
    assert services.referral_submit(referral=referral, by=referrer) is False
    sweep("referrals")
    assert len(items(Kind.NEW_REFERRAL)) == 2
    assert len(emails_of(NEW_WORK_EMAIL)) == 1


def test_the_team_mailbox_gets_one_message_without_personal_data(referrer, coordinators) -> None:
    Team.objects.filter(slug="halmstad-hylte").update(mailbox="ist-halmstad@kommun.example")
    referral = builders.submitted(referrer)
    services.referral_submit(referral=referral, by=referrer)  # a double submit: nothing twice
    sent = emails_of(emails.MAILBOX_REFERRAL)
    assert len(sent) == 1
    assert deliver(emails.MAILBOX_REFERRAL, referral.pk) == 1
    message = mail.outbox[-1]
    assert message.to == ["ist-halmstad@kommun.example"]
    assert f"Remiss nr {referral.pk}" in message.body
    for personal in (referral.personnummer, referral.first_name, referral.last_name, referral.address):
        assert personal not in message.body
        assert personal not in message.subject


def test_no_mailbox_no_message(referrer, coordinators) -> None:
    builders.submitted(referrer)
    assert emails_of(emails.MAILBOX_REFERRAL) == []


def test_a_completed_referral_is_announced_again_as_completed(referrer, coordinators) -> None:
    at_once, digest_user, _ = coordinators
    referral = builders.submitted(referrer)
    assert services.referral_request_info(referral=referral, by=at_once, message="Bifoga läkarintyget.")
    assert items(Kind.NEW_REFERRAL)[0].state == Notification.State.RESOLVED  # taken up: sent back
    # The referrer's item, at once, naming the team.
    asked = items(Kind.INFO_ASKED)
    assert [(n.recipient_id, n.team_id) for n in asked] == [(referrer.pk, referral.team_id)]
    # Completed after 3 days: the clock moved, and the coordinators hear of it.
    later = timezone.localdate() + timedelta(days=3)
    referral.refresh_from_db()
    assert services.referral_submit(referral=referral, by=referrer, today=later)
    referral.refresh_from_db()
    assert referral.paused_days == 3
    assert referral.paused_since is None
    completed = items(Kind.REFERRAL_RESUBMITTED)
    assert {n.recipient_id for n in completed} == {at_once.pk, digest_user.pk}
    assert all("kompletterad" in n.title for n in completed)
    assert len(emails_of(NEW_WORK_EMAIL)) == 2  # the new one and the completed one, to the one who chose "direkt"
    assert Notification.objects.get(kind=Kind.INFO_ASKED).state == Notification.State.RESOLVED


def test_a_decision_more_information_pauses_and_tells_the_referrer(referrer, coordinators) -> None:
    at_once = coordinators[0]
    referral = builders.submitted(referrer)
    item = builders.on_agenda(referral, builders.meeting(at_once), at_once)
    assert items(Kind.NEW_REFERRAL)[0].state == Notification.State.RESOLVED  # on the agenda: taken up
    services.agenda_decide(item=item, decision=Decision.MORE_INFO, reasoning="Behöver mer.", by=at_once)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.NEEDS_INFO
    assert referral.paused_since == timezone.localdate()
    assert [n.recipient_id for n in items(Kind.INFO_ASKED)] == [referrer.pk]


def test_a_registered_referral_tells_the_other_coordinators_not_the_registrar(coordinators) -> None:
    at_once, digest_user, _ = coordinators
    from referrals.inputs import RegisteredReferralFields

    data = builders.referral_data()
    services.referral_register(
        by=digest_user,
        team=team("halmstad-hylte"),
        values=RegisteredReferralFields(**data, referrer_name="Per Papper", referrer_phone="", referrer_email=""),
        channel=Referral.Channel.PAPER,
        received_on=timezone.localdate(),
    )
    assert [n.recipient_id for n in items(Kind.NEW_REFERRAL)] == [at_once.pk]


def test_a_new_question_is_announced_once_and_leaves_when_taken_up(coordinators) -> None:
    at_once, digest_user, _ = coordinators
    Team.objects.filter(slug="halmstad-hylte").update(mailbox="ist-halmstad@kommun.example")
    question = builders.question(ReferrerFactory.create())
    assert {n.recipient_id for n in items(Kind.NEW_QUESTION)} == {at_once.pk, digest_user.pk}
    assert len(emails_of(NEW_WORK_EMAIL)) == 1
    assert len(emails_of(emails.MAILBOX_QUESTION)) == 1
    services.agenda_add(meeting=builders.meeting(at_once), by=at_once, question=question)
    assert {n.state for n in items(Kind.NEW_QUESTION)} == {Notification.State.RESOLVED}


def test_the_referrers_komplettering_is_overdue_after_the_configured_days(referrer, coordinators) -> None:
    from ist.reminders.models import DeadlineSettings

    referral = builders.submitted(referrer)
    services.referral_request_info(referral=referral, by=coordinators[0], message="Mer.")
    item = Notification.objects.get(kind=Kind.INFO_ASKED)
    assert item.due_on == timezone.localdate() + timedelta(days=DeadlineSettings.current().needs_info_days)
    assert "komplettera" in item.title


def test_a_referral_moved_to_another_team_is_new_work_there_and_leaves_the_old_team(referrer, coordinators) -> None:
    from referrals.inputs import TeamEdit

    at_once, _digest_user, varberg = coordinators
    Team.objects.filter(slug="varberg").update(mailbox="ist-varberg@kommun.example")
    referral = builders.submitted(referrer)
    services.referral_update_by_team(
        referral=referral,
        by=at_once,
        values=TeamEdit.of(referral, team=team("varberg")),
        expected_version=referral.version,
    )
    open_items = Notification.objects.filter(kind=Kind.NEW_REFERRAL, state=Notification.State.OPEN)
    assert list(open_items.values_list("recipient_id", "team__slug")) == [(varberg.pk, "varberg")]
    assert len(emails_of(emails.MAILBOX_REFERRAL)) == 1


def test_the_team_mailbox_is_edited_with_the_team_in_the_admin(admin_client) -> None:
    halmstad = team("halmstad-hylte")
    page = admin_client.get(f"/admin/teams/team/{halmstad.pk}/change/").content.decode()
    assert 'name="mailbox"' in page
    assert "Funktionsbrevlåda" in page


def test_a_kind_taken_out_of_the_e_mail_is_not_e_mailed_at_once_either(referrer, coordinators) -> None:
    from ist.reminders.models import NotificationPreference

    NotificationPreference.objects.create(user=coordinators[0], kind=Kind.NEW_REFERRAL)
    builders.submitted(referrer)
    assert len(items(Kind.NEW_REFERRAL)) == 2  # still in "Att göra"
    assert emails_of(NEW_WORK_EMAIL) == []
