"""Create a row once per form token: a double click, a resent form or a retry after "Serverfel"
gives back the row the first submit made instead of a second row or a 500.

Every creation form carries a `form_token` (a UUID made when the form was shown, see
`ist.web.form_token`), and every model it creates has a unique `form_token` column. A
check-then-insert on that column alone is not enough: two identical POSTs at the same moment
both find nothing, both insert, and the second one's unique violation was a 500. So:

1. On PostgreSQL the submits of one token are serialised with a transaction-level advisory lock
   on the token; the second waits until the first has committed and then finds its row, before
   it checks anything else (an enrolment whose referral the first submit just used is not a
   refusal but the same result).
2. The creation itself runs in a savepoint; a unique violation there (another database, or a
   path that bypassed the lock) rolls back only what this submit did, including side effects
   registered with `on_commit`, and the row that holds the token is returned.

A token that belongs to another user's row (a forged or copied form) is not an error either:
the new row gets a fresh token. See docs/decisions/0015-forms-robustness.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, connection, models, transaction

M = TypeVar("M", bound=models.Model)

# A fixed first key keeps these locks apart from any other advisory lock (two-key form).
_LOCK_SPACE = 15


def _lock(token: uuid.UUID) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite serialises writers itself; the savepoint below still catches a collision
    key = int.from_bytes(token.bytes[:4], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_SPACE, key])


def create_once(
    model: type[M],
    *,
    form_token: uuid.UUID | None,
    create: Callable[[uuid.UUID | None], M],
    **scope: Any,
) -> tuple[M, bool]:
    """The row created by `create(token)`, or the one an earlier submit of the same form made.

    Returns (row, created). `scope` narrows whose rows count (e.g. `asked_by=user`): a row with
    the token outside it is someone else's and is never returned. `create` may raise (a refused
    submit); whatever it did is rolled back to the savepoint. Pre: called inside the service's
    transaction (the lock is held until it commits)."""
    if form_token is None:
        return create(None), True
    if not connection.in_atomic_block:
        raise RuntimeError("create_once must run inside the service's transaction")
    _lock(form_token)
    manager = model._default_manager
    existing = manager.filter(form_token=form_token, **scope).first()
    if existing is not None:
        return existing, False
    if manager.filter(form_token=form_token).exists():
        form_token = uuid.uuid4()  # another user's token: create, under a token of its own
    try:
        with transaction.atomic():
            return create(form_token), True
    except IntegrityError:
        existing = manager.filter(form_token=form_token, **scope).first()
        if existing is None:
            raise  # not the token's uniqueness: a real error
        return existing, False
