"""Calendar invites (iCalendar, RFC 5545) for meetings: one small builder both apps use.

An invite carries what a calendar needs and nothing about the person the meeting is for: the title
names the kind of meeting and the team ("Informationsmöte, IST Halmstad/Hylte"), the place, the
time and a link to the meeting page behind login. No name, no personnummer, no referral text: an
invite is forwarded, synced to phones and shown on lock screens.

The UID is derived from the meeting's kind and primary key and the installation's address, so a
re-sent invite (or a second download) updates the same calendar entry instead of adding one; a
cancelled meeting gets METHOD:CANCEL with the same UID and a higher SEQUENCE. Times are written with
TZID=Europe/Stockholm and the matching VTIMEZONE, so a calendar abroad shows the right hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Individsamverkansteamen i Halland//IST//SV"


@dataclass(frozen=True)
class Invite:
    """One meeting as a calendar entry. `kind` and `pk` make the stable UID; `title` must not name
    the person (callers pass the meeting kind and the team)."""

    kind: str  # an ASCII slug: "informationsmote", "samverkansmote"
    pk: int
    title: str
    day: date
    start: time
    minutes: int
    place: str = ""
    description: str = ""
    organiser_name: str = ""
    organiser_email: str = ""
    sequence: int = 0
    cancelled: bool = False

    @property
    def uid(self) -> str:
        host = urlsplit(settings.IST_BASE_URL).hostname or "ist.local"
        return f"{self.kind}-{self.pk}@{host}"

    @property
    def filename(self) -> str:
        """ASCII, no personal data: the kind and the date."""
        return f"{self.kind}-{self.day:%Y-%m-%d}.ics"


def ics(invite: Invite) -> bytes:
    """The invite as an iCalendar file: METHOD:PUBLISH, or METHOD:CANCEL for a cancelled meeting."""
    starts = datetime.combine(invite.day, invite.start, tzinfo=STOCKHOLM)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if invite.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", invite.uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", invite.sequence + (1 if invite.cancelled else 0))
    event.add("dtstart", starts)
    event.add("dtend", starts + timedelta(minutes=invite.minutes))
    event.add("summary", invite.title)
    if invite.place:
        event.add("location", invite.place)
    if invite.description:
        event.add("description", invite.description)
    if invite.organiser_email:
        organiser = vCalAddress(f"mailto:{invite.organiser_email}")
        if invite.organiser_name:
            organiser.params["cn"] = vText(invite.organiser_name)
        event.add("organizer", organiser)
    event.add("status", "CANCELLED" if invite.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
