"""Keyset pagination ("Nyare / Äldre") for big tables ordered newest first by (timestamp, pk).

An exact COUNT(*) and OFFSET read every row before the page; at 20 M access-log rows that took
seconds. A keyset page reads its rows from an index and one more to know whether there is an older
page: its cost does not grow with the table or with how deep the reader has paged. The cursor is the
(timestamp, pk) of the page's last (or first) row, so ties on the timestamp neither skip nor repeat
rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet

M = TypeVar("M", bound=Model)

CURSOR = re.compile(r"^(\d{1,20})-(\d{1,20})$")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def cursor_of(moment: datetime, pk: int) -> str:
    """Microseconds since the epoch and the primary key: exact, and nothing personal in the URL."""
    delta = moment - EPOCH
    return f"{(delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds}-{pk}"


def parse_cursor(text: str | None) -> tuple[datetime, int] | None:
    """The cursor in `text`, or None for anything that is not one (the first page is shown)."""
    match = CURSOR.match(text or "")
    if match is None:
        return None
    try:
        return EPOCH + timedelta(microseconds=int(match[1])), int(match[2])
    except OverflowError:
        return None


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    object_list: list[M]
    newer: str | None  # cursor for the "Nyare" link, None on the newest page
    older: str | None  # cursor for the "Äldre" link, None on the oldest page

    @property
    def has_other_pages(self) -> bool:
        return self.newer is not None or self.older is not None


def keyset_page(
    queryset: QuerySet[M],
    *,
    size: int,
    older_than: str | None = None,
    newer_than: str | None = None,
    field: str = "timestamp",
) -> KeysetPage[M]:
    """One page of `queryset`, newest first by (`field`, pk): the first page, the page older than the
    cursor `older_than`, or the page newer than the cursor `newer_than`. Two index-range conditions
    (field <= t, then the tie on pk) so PostgreSQL starts its index scan at the cursor."""
    if (after := parse_cursor(newer_than)) is not None:
        moment, pk = after
        rows = list(
            queryset.filter(**{f"{field}__gte": moment})
            .filter(Q(**{f"{field}__gt": moment}) | Q(pk__gt=pk))
            .order_by(field, "pk")[: size + 1]
        )
        if len(rows) <= size:  # back at the newest rows: the first page, full
            return keyset_page(queryset, size=size, field=field)
        rows = rows[:size][::-1]
        # The row the cursor named is older than this page: there is an older page.
        return KeysetPage(rows, newer=_cursor(rows[0], field), older=_cursor(rows[-1], field))
    before = parse_cursor(older_than)
    if before is not None:
        moment, pk = before
        queryset = queryset.filter(**{f"{field}__lte": moment}).filter(Q(**{f"{field}__lt": moment}) | Q(pk__lt=pk))
    rows = list(queryset.order_by(f"-{field}", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    newer = _cursor(rows[0], field) if before is not None and rows else None
    return KeysetPage(rows, newer=newer, older=_cursor(rows[-1], field) if more else None)


def _cursor(row: Model, field: str) -> str:
    return cursor_of(getattr(row, field), row.pk)
