"""Letters for people without an account: the beslutsbrev and the kallelse (docs/decisions/0032).

A beslutsbrev carries the team's decision on a referral, with the reasoning, to whoever was told of
the decision but cannot read it in IST: a referrer who sent the referral on paper (no account, or
an account that does not follow this referral) and the support authority's contact when that
address has no account that may read the referral. A kallelse invites the person to the
information meeting: date, time, place, whom they meet, what to bring.

Both are rendered like the participants' documents (ist/pdf: the shared letterhead, a Celery task
queued through the outbox, the PDF stored with its SHA-256 and served only if it still matches).
The coordinator downloads the letter, prints it or sends it through the partner's secure channel,
and records that (who, when, how).

Protected identity (skyddade personuppgifter, docs/decisions/0019): a kallelse to a protected person
prints the name but never an address (the coordinator sends it the way the person has agreed, e.g.
through Skatteverket's forwarding); a beslutsbrev names the person only by the referral's number.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ist.outbox import services as outbox
from ist.pdf.letterhead import Addressee, letter_context
from ist.pdf.rendering import render_pdf
from ist.pdf.storage import store
from referrals.models import AgendaItem, InformationMeeting, Letter, Referral
from teams.models import Organisation, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

log = logging.getLogger(__name__)
Kind = Letter.Kind

RENDER_TASK = "referrals.tasks.render_letter"
TEMPLATES = {Kind.DECISION: "pdf/letters/decision.html", Kind.INVITATION: "pdf/letters/invitation.html"}
NO_ADDRESS = "Adressen skrivs inte ut (skyddade personuppgifter)."
SUPPORT_CONTACT = "Handläggare för personens försörjning"
DECISION_TEXT = {
    AgendaItem.Decision.ACCEPT: "Remissen är antagen. Personen erbjuds ett informationsmöte om IST.",
    AgendaItem.Decision.REJECT: "Remissen är avslagen.",
    AgendaItem.Decision.MORE_INFO: "Teamet behöver mer information innan remissen kan avgöras.",
}
NEXT_STEP = {
    AgendaItem.Decision.ACCEPT: (
        "Teamet bokar ett informationsmöte och skickar en kallelse till personen. "
        "Som inremittent är du välkommen att delta."
    ),
    AgendaItem.Decision.REJECT: "Har du frågor om beslutet är du välkommen att kontakta teamet.",
    AgendaItem.Decision.MORE_INFO: (
        "Kontakta teamet och komplettera remissen. Teamet tar upp den igen när uppgifterna har kommit in."
    ),
}


# -- Who cannot read it in IST ---------------------------------------------------------------------


def reader(email: str, referral: Referral) -> User | None:
    """The active account with this address, if it may read this referral; else None (no account,
    or an account the referral is not shared with: a link would be a dead end)."""
    from referrals.selectors import referrals_for  # selectors import models only; keep the cycle out

    if not email:
        return None
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not referrals_for(user).filter(pk=referral.pk).exists():
        return None
    return user


def referrer_without_account(referral: Referral) -> bool:
    """The referrer cannot read the decision in IST: a paper referral, or an address without an
    account that follows the referral."""
    if referral.referrer_id is not None and referral.referrer_email:
        return reader(referral.referrer_email, referral) is None
    return referral.referrer_id is None


def support_without_account(referral: Referral) -> bool:
    return bool(referral.support_contact_email) and reader(referral.support_contact_email, referral) is None


def decision_addressees(referral: Referral) -> list[Addressee]:
    """Whom a beslutsbrev goes to: the referrer (with their organisation) and the support
    authority's contact, each only if they cannot read the decision in IST."""
    people = []
    if referrer_without_account(referral):
        organisation = referral.referrer_organisation
        where = ""
        if organisation is not None:
            where = f"{organisation.name}, {organisation.unit}" if organisation.unit else organisation.name
        people.append(Addressee(name=referral.referrer_name or "Inremittenten", organisation=where))
    if support_without_account(referral):
        kinds = dict(Organisation.Kind.choices)
        authority = str(kinds.get(referral.support_authority, "")) if referral.support_authority else ""
        people.append(Addressee(name=SUPPORT_CONTACT, organisation=authority))
    return people


# -- Making them ---------------------------------------------------------------------------------


def _queue_render(letter: Letter, occasion: str) -> None:
    outbox.enqueue_task(key=f"render-letter:{letter.pk}:{occasion}", task=RENDER_TASK, args=[letter.pk])


def decision_letter_queue(*, item: AgendaItem) -> Letter | None:
    """After a decision on a referral (inside agenda_decide's transaction): a beslutsbrev if someone
    told of the decision cannot read it in IST. Once per decision (unique per agenda item)."""
    referral = item.referral
    if referral is None or not decision_addressees(referral):
        return None
    letter, created = Letter.objects.get_or_create(
        agenda_item=item, defaults={"referral": referral, "kind": Kind.DECISION}
    )
    if created:
        _queue_render(letter, "created")
    return letter


def invitation_queue(*, meeting: InformationMeeting) -> Letter:
    """After an information meeting is booked (inside info_meeting_book's transaction): the
    person's kallelse. Once per meeting."""
    letter, created = Letter.objects.get_or_create(
        information_meeting=meeting, defaults={"referral_id": meeting.referral_id, "kind": Kind.INVITATION}
    )
    if created:
        _queue_render(letter, "created")
    return letter


def context_for(letter: Letter) -> dict[str, Any]:
    """What the letter's template shows: the letterhead, the addressee, the references, the body."""
    referral = letter.referral
    received = f", inkom {referral.received_on:%Y-%m-%d}" if referral.received_on else ""
    references = [("Brev", f"BREV-{letter.pk:06d}"), ("Avser", f"Remiss {referral.pk}{received}")]
    context: dict[str, Any] = {
        "letter_row": letter,
        "referral": referral,
        "title": letter.get_kind_display(),
        "document_id": f"BREV-{letter.pk:06d}",
        "version": 1,
        "written_on": timezone.localdate(),
    }
    if letter.kind == Kind.DECISION:
        item = letter.agenda_item
        if item is None:  # the check constraint rules this out
            raise ValueError(f"letter {letter.pk} has no decision")
        people = decision_addressees(referral) or [Addressee(name=referral.referrer_name or "Inremittenten")]
        context |= {
            "item": item,
            "decision_text": DECISION_TEXT.get(AgendaItem.Decision(item.decision), item.get_decision_display()),
            "next_step": NEXT_STEP.get(AgendaItem.Decision(item.decision), ""),
            "person": "" if referral.protected_identity else f"{referral.person_name}, {referral.personnummer_masked}",
        }
        letterhead = letter_context(team=referral.team, to=people[:1], copies=people[1:], references=references)
    else:
        meeting = letter.information_meeting
        if meeting is None:  # the check constraint rules this out
            raise ValueError(f"letter {letter.pk} has no meeting")
        lines = [] if referral.protected_identity else [line.strip() for line in referral.address.splitlines()]
        person = Addressee(name=referral.person_name or "Personen", address=[line for line in lines if line])
        context |= {
            "meeting": meeting,
            "attendees": [user.get_full_name() or user.email for user in meeting.attendees.all()],
            "no_address": NO_ADDRESS if referral.protected_identity else "",
        }
        letterhead = letter_context(team=referral.team, to=[person], references=references)
    return context | letterhead


def letter_render(*, letter_id: int) -> bool:
    """Render a pending letter once and store it with its SHA-256. Safe to run twice and at once
    (the row is claimed with SKIP LOCKED; only a pending letter is rendered). A failure is recorded
    on the letter (the coordinator sees it) and raised, so the task retries with backoff."""
    try:
        with transaction.atomic():
            letter = (
                Letter.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "referral__team", "referral__referrer_organisation", "agenda_item__meeting", "information_meeting"
                )
                .filter(pk=letter_id, status=Letter.Status.PENDING)
                .first()
            )
            if letter is None:
                return False
            rendered = render_pdf(TEMPLATES[Kind(letter.kind)], context_for(letter))
            letter.sha256 = store(letter.pdf, letter.filename, rendered.content)
            letter.status = Letter.Status.READY
            letter.rendered_at = timezone.now()
            letter.render_attempts += 1
            letter.render_error = ""
            letter.save(update_fields=["pdf", "sha256", "status", "rendered_at", "render_attempts", "render_error"])
    except Exception as exc:
        Letter.objects.filter(pk=letter_id, status=Letter.Status.PENDING).update(
            render_attempts=F("render_attempts") + 1, render_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        log.exception("rendering letter %s failed", letter_id)
        raise
    return True


@transaction.atomic
def letter_mark_sent(*, letter: Letter, how: str, by: User) -> bool:
    """Record that the coordinator printed and posted the letter, or sent it through the partner's
    secure channel. Once: a second click changes nothing and returns False.

    Pre: the letter is ready (a pending one has nothing to send yet: NotAllowedNow)."""
    from ist.errors import NotAllowedNow

    if how not in Letter.SentHow.values:
        raise ValueError(how)
    current = Letter.objects.select_for_update().get(pk=letter.pk)
    if current.status != Letter.Status.READY:
        raise NotAllowedNow
    if current.sent_at is not None:
        return False
    current.sent_at, current.sent_by, current.sent_how = timezone.now(), by, how
    current.save(update_fields=["sent_at", "sent_by", "sent_how"])
    return True


# -- Reading them ------------------------------------------------------------------------------------


def letters_for(user: User | AnonymousUser) -> QuerySet[Letter]:
    """Letters of the referrals the user manages (the team's coordinators): they print and send them."""
    from referrals.selectors import referrals_for

    return Letter.objects.filter(referral__in=referrals_for(user, "manage")).select_related("referral__team", "sent_by")


def letters_of(referral: Referral) -> QuerySet[Letter]:
    return referral.letters.select_related("sent_by", "information_meeting").order_by("-created_at", "-pk")
