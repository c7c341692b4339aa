"""New work announced (issue 18, point 5; docs/decisions/0030), and the referrer's kompletteringar.

Rules (registered with the referrals area in referrals/reminders.py):
- a referral sent or registered and not yet taken up (status "inkommen") → "Ny remiss", or
  "Remiss kompletterad" once it came back from a komplettering → the team's coordinators (not the
  one who registered it: they know), until it is put on an agenda, sent back or decided;
- a new konsultativ fråga → the team's coordinators, until it is on an agenda or answered;
- a komplettering asked for → the referrer, until they send the referral again; due
  `needs_info_days` after it was asked, so "Att göra" marks it overdue after that.

`referral_arrived` / `question_arrived` are called by the services in their transaction: the items
are raised at once (ist.reminders.announce, which also e-mails those who chose "direkt") and the
team's mailbox, if set, gets one e-mail per occasion through the outbox: the number, the team and
a link, no personal data.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from ist.reminders.announce import announce
from ist.reminders.models import DeadlineSettings, Kind
from ist.reminders.rules import Due, coordinators_by_team, initials, iso, narrow
from referrals import emails
from referrals.models import ConsultativeQuestion, Referral, ReferralEvent


def _initials(first: str, last: str, protected: bool) -> str:
    return "–" if protected else initials(first, last)


def new_referrals(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """Sent (or completed and sent again) and not yet taken up → the team's coordinators, due by the answer deadline."""
    coordinators = coordinators_by_team()
    rows = (
        narrow(Referral.objects, "pk", only)
        .filter(status=Referral.Status.SUBMITTED, answer_deadline__isnull=False, team__active=True)
        .annotate(resubmitted=Max("events__at", filter=Q(events__kind=ReferralEvent.Kind.RESUBMITTED)))
        .values_list(
            "pk",
            "team_id",
            "received_on",
            "answer_deadline",
            "resubmitted",
            "registered_by_id",
            "first_name",
            "last_name",
            "protected_identity",
        )
    )
    items = []
    for pk, team_id, received, deadline, resubmitted, registrar, first, last, protected in rows:
        if deadline is None or team_id is None:  # excluded by the filter above
            continue
        who = _initials(first, last, protected)
        if resubmitted is not None:
            kind = Kind.REFERRAL_RESUBMITTED
            title = (
                f"Remiss {pk} ({who}) kompletterad {iso(timezone.localdate(resubmitted))}, svara senast {iso(deadline)}"
            )
        else:
            kind = Kind.NEW_REFERRAL
            came = iso(received) if received else iso(today)
            title = f"Remiss {pk} ({who}) inkom {came}, svara senast {iso(deadline)}"
        url = reverse("referrals:review", args=[pk])
        items += [
            Due(user, kind, Referral, pk, deadline, title, url, team_id)
            for user in coordinators.get(team_id, [])
            if user != registrar
        ]
    return items


def new_questions(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """A new question → the team's coordinators, due within the team's answer time (as a referral)."""
    coordinators = coordinators_by_team()
    rows = (
        narrow(ConsultativeQuestion.objects, "pk", only)
        .filter(status=ConsultativeQuestion.Status.NEW, team__active=True)
        .values_list("pk", "team_id", "created_at", "team__answer_deadline_days")
    )
    items = []
    for pk, team_id, created_at, days in rows:
        asked = timezone.localdate(created_at)
        title = f"Fråga {pk} ställd {iso(asked)}"
        url = reverse("referrals:triage") + "#questions-heading"
        due_on = asked + timedelta(days=days)
        items += [
            Due(user, Kind.NEW_QUESTION, ConsultativeQuestion, pk, due_on, title, url, team_id)
            for user in coordinators.get(team_id, [])
        ]
    return items


def kompletteringar_asked(today: date, config: DeadlineSettings, only: Collection[int] | None = None) -> list[Due]:
    """A komplettering asked of the referrer → the referrer, until they send the referral again."""
    rows = (
        narrow(Referral.objects, "pk", only)
        .filter(status=Referral.Status.NEEDS_INFO, referrer__isnull=False, referrer__is_active=True)
        .values_list("pk", "team_id", "referrer_id", "paused_since", "updated_at", "first_name", "last_name")
    )
    items = []
    for pk, team_id, referrer_id, since, updated_at, first, last in rows:
        asked = since or timezone.localdate(updated_at)
        if referrer_id is None:  # excluded by the filter above
            continue
        due_on = asked + timedelta(days=config.needs_info_days)
        title = f"Remiss {pk} ({initials(first, last)}): komplettera och skicka igen, begärd {iso(asked)}"
        url = reverse("referrals:detail", args=[pk])
        items.append(Due(referrer_id, Kind.INFO_ASKED, Referral, pk, due_on, title, url, team_id))
    return items


def referral_arrived(referral: Referral) -> None:
    """A referral was sent, registered or completed: its team hears of it now. Pre: in the service's transaction."""
    announce(referral, [Kind.NEW_REFERRAL, Kind.REFERRAL_RESUBMITTED])
    if referral.team is not None and referral.team.mailbox:
        emails.send(emails.MAILBOX_REFERRAL, referral.pk, key=referral.version)


def question_arrived(question: ConsultativeQuestion) -> None:
    """A question was asked: its team hears of it now. Pre: in the service's transaction."""
    announce(question, [Kind.NEW_QUESTION])
    if question.team.mailbox:
        emails.send(emails.MAILBOX_QUESTION, question.pk, key="asked")


def komplettering_asked(referral: Referral) -> None:
    """The referrer's item, at once (the referrer also gets the e-mail of the request)."""
    announce(referral, [Kind.INFO_ASKED])
