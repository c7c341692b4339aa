"""The 14-day answer clock, which pauses while a komplettering is with the referrer (DOMAIN.md, last
section; docs/decisions/0030).

Stored, not recomputed from the timeline: `Referral.paused_since` is the day the komplettering was
asked for while it is out, `paused_days` the days paused so far, and on resubmission
`answer_deadline` moves by the pause. Every query on the deadline (the reminder rules, the board's
order, the index) therefore stays a plain column comparison, and a page of referrals needs no
extra query. The timeline (`ReferralEvent`) stays the record of why; `replay` recomputes the same
numbers from it (the data migration used it for referrals sent before this).

The clock counts calendar days, as the deadline always has (`received_on + answer_deadline_days`,
weekends included; the seeds speak of "14 dagar"). The day it comes in is day 0; the deadline is
day N. Asked for on day P and completed on day R: R − P days are paused, so a komplettering asked
and answered on the same day costs nothing, and the day it comes back is the day the clock stood at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from referrals.models import Referral

SOON_DAYS = 3


def pause(referral: Referral, today: date) -> list[str]:
    """The komplettering goes to the referrer: the clock stops (once; a second pause changes nothing).
    Returns the fields changed, for the caller's save."""
    if referral.paused_since is not None or referral.answer_deadline is None:
        return []
    referral.paused_since = today
    return ["paused_since"]


def resume(referral: Referral, today: date) -> list[str]:
    """The completed referral comes back: the deadline moves by the days it was away."""
    if referral.paused_since is None:
        return []
    days = max((today - referral.paused_since).days, 0)
    referral.paused_since = None
    referral.paused_days += days
    if referral.answer_deadline is not None:
        referral.answer_deadline += timedelta(days=days)
    return ["paused_since", "paused_days", "answer_deadline"]


def _days(n: int) -> str:
    return f"{n} dag" if n == 1 else f"{n} dagar"


@dataclass(frozen=True)
class Clock:
    """Where the answer clock stands: `state` is a CSS class ("within", "soon", "overdue", "paused",
    "none"); `used` and `total` are days of the answer time, `left` may be negative (overdue)."""

    state: str
    label: str
    detail: str
    used: int = 0
    total: int = 0
    left: int = 0

    @property
    def text(self) -> str:
        return f"{self.label} ({self.detail})" if self.detail else self.label


def clock(
    *,
    received_on: date | None,
    answer_deadline: date | None,
    paused_since: date | None,
    paused_days: int,
    today: date,
) -> Clock:
    """The answer clock on `today`: "dag X av N, Y kvar", paused, or overdue. Pure: the numbers come
    from the referral's own columns (`of` below), so a list of referrals costs no query."""
    if answer_deadline is None:
        return Clock("none", "Ingen svarstid", "")
    if received_on is None:  # an old row without the day it came in: what is left still shows
        received_on, known = answer_deadline, False
    else:
        known = True
    total = (answer_deadline - received_on).days - paused_days
    if paused_since is not None:
        used = max((paused_since - received_on).days - paused_days, 0)
        day = f", dag {used} av {total}" if known else ""
        detail = f"komplettering hos inremittenten sedan {paused_since:%Y-%m-%d}{day}"
        return Clock("paused", "Pausad", detail, used, total, total - used)
    left = (answer_deadline - today).days
    used = total - left
    parts = [f"dag {used} av {total}"] if known else []
    if left < 0:
        return Clock("overdue", "Försenad", ", ".join([*parts, f"{_days(-left)} över"]), used, total, left)
    if left <= SOON_DAYS:
        rest = "svar i dag" if left == 0 else f"{_days(left)} kvar"
        return Clock("soon", "Snart", ", ".join([*parts, rest]), used, total, left)
    return Clock("within", "I tid", ", ".join([*parts, f"{_days(left)} kvar"]), used, total, left)


def of(referral: Referral, today: date) -> Clock:
    return clock(
        received_on=referral.received_on,
        answer_deadline=referral.answer_deadline,
        paused_since=referral.paused_since,
        paused_days=referral.paused_days,
        today=today,
    )


@dataclass(frozen=True)
class Replayed:
    paused_since: date | None
    paused_days: int


def replay(steps: Iterable[tuple[str, date]]) -> Replayed:
    """The pause from the timeline: ("pause", day) when a komplettering was asked for (an
    INFO_REQUESTED event, or a decision "mer information"), ("resume", day) when it came back
    (RESUBMITTED), in order. A resume without a pause before it counts nothing."""
    since: date | None = None
    days = 0
    for step, day in steps:
        if step == "pause" and since is None:
            since = day
        elif step == "resume" and since is not None:
            days += max((day - since).days, 0)
            since = None
    return Replayed(since, days)
