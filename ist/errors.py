"""The errors every app's services raise for the same two situations (one home, docs/architecture.md).

Views catch them and answer the same way everywhere: a stale edit re-renders the form with what was
typed and the version saved now (`ist/stale.py`); a step the state no longer allows is a 409 or a
message, never a 500.
"""

from __future__ import annotations


class StaleEdit(Exception):  # noqa: N818 - a domain event, not a programming error
    """Someone else saved the record after the form was opened."""


class NotAllowedNow(Exception):  # noqa: N818
    """The record's state does not allow this step (e.g. deciding twice)."""
