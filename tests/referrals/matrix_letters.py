"""URL × role matrix entries for letters and calendar invites (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from referrals import letters, services
from referrals.inputs import RegisteredReferralFields
from referrals.models import AgendaItem, Letter, Referral
from tests.factories import team
from tests.matrix_roles import Post, signed_in
from tests.referrals import builders


def _ready_letter(w: dict[str, Any]) -> dict[str, Any]:
    """A paper referral decided at a meeting: its beslutsbrev, rendered."""
    referral = services.referral_register(
        by=w["koordinator"],
        team=team(),
        values=RegisteredReferralFields(**builders.referral_data(), referrer_name="Kim på FK"),
        channel=Referral.Channel.PAPER,
        received_on=timezone.localdate(),
    ).referral
    item = builders.on_agenda(referral, builders.meeting(w["koordinator"]), w["koordinator"])
    services.agenda_decide(
        item=item, decision=AgendaItem.Decision.REJECT, reasoning="Annan insats först.", by=w["koordinator"]
    )
    letter = Letter.objects.get(agenda_item=item)
    letters.letter_render(letter_id=letter.pk)
    return {"public_id": letter.public_id}


# name: (kwargs or a function of `world`, query string, expected answer to GET per role)
ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    # A letter is its team's coordinators' to print and send: to everyone else it does not exist.
    "referrals:letter": (_ready_letter, "", signed_in(404, koordinator=200)),
    "referrals:letter_pdf": (_ready_letter, "", signed_in(404, koordinator=200)),
    # Calendar invites: whoever sees the meeting (no personal data in them).
    "referrals:info_meeting_calendar": (
        lambda w: {"pk": w["info_meeting"].pk},
        "",
        signed_in(404, koordinator=200, handledare=200, samverkansteam=200, referrer=200),
    ),
    "referrals:meeting_calendar": (
        lambda w: {"pk": w["meeting"].pk},
        "",
        signed_in(404, koordinator=200, samverkansteam=200),
    ),
}

POSTS: dict[str, Post] = {
    "referrals:letter": Post(
        answers=signed_in(404, koordinator=302),
        data={"how": "post"},
        changed=lambda p: Letter.objects.get(public_id=p.kwargs["public_id"]).sent_at is not None,
    ),
}
