"""What the minutes show, on the page and in the archived PDF: one context for both, so the PDF is
the page as approved. The PDF is read by people outside the meeting: a protected person is never
named in it, whoever renders it (the viewer is None)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from ist.pdf.letterhead import letter_context
from referrals import selectors
from referrals.models import AgendaItem, TeamMeeting
from teams.models import Organisation

KIND_LABELS = dict(Organisation.Kind.choices)


def items_of(meeting: TeamMeeting) -> list[AgendaItem]:
    items = list(selectors.agenda_of(meeting))
    for item in items:
        if item.referral is not None:
            item.authorities = [str(KIND_LABELS.get(kind, kind)) for kind in item.referral.authorities_involved]
    return items


def context_for(meeting: TeamMeeting) -> dict[str, Any]:
    """The PDF's context: the letterhead, the facts, attendance, every item with its decision, justering."""
    references = [("Möte", f"{meeting.date:%Y-%m-%d} {meeting.start_time:%H:%M}")]
    if meeting.approved_at is not None:
        references.append(("Justerat", f"{timezone.localtime(meeting.approved_at):%Y-%m-%d}"))
    return {
        **letter_context(team=meeting.team, to=[], no_addressee="Samverkansteamets ledamöter", references=references),
        "title": f"Protokoll, samverkansteamsmöte {meeting.date:%Y-%m-%d}",
        "document_id": f"Protokoll {meeting.team.name} {meeting.date:%Y-%m-%d}",
        "version": 1,
        "meeting": meeting,
        "items": items_of(meeting),
        "attendances": list(meeting.attendances.all()),
        "viewer": None,
    }
