"""How transactional tests empty the database after each test: DELETE, not PostgreSQL's TRUNCATE.

Every browser test is transactional (the live server answers from its own connection), and so are the
app run's tests that need committed data (a real Celery worker, `transaction=True`); Django empties
every table after each of them (`flush`). On PostgreSQL Django does that with one `TRUNCATE` of all
~150 tables, which gives each table and index new files: ~2 s a test under load (measured,
docs/performance.md "Round five"), whatever the test wrote. A `DELETE` of each table in the same
transaction costs ~0.07 s, since nearly all of them are empty; the foreign keys Django makes are
`DEFERRABLE INITIALLY DEFERRED`, so the order does not matter, and sequences are not reset either
way (`reset_sequences` is off; a test that asks for it keeps Django's TRUNCATE). SQLite's flush is
a DELETE already. The post_migrate signal after the flush runs as before; the content types and
permissions it would make again are kept (`KEPT`), so it inserts none.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.db.backends.postgresql.operations import DatabaseOperations

_TRUNCATE = DatabaseOperations.sql_flush
# Not emptied: every model's content type and its four permissions, which the post_migrate signal
# right after the flush would insert again (~600 rows: the flush takes 0.09–0.12 s instead of
# 0.19–0.22 s, docs/performance.md "Round seven"). Kept, it finds them all and inserts nothing. No
# test data lives there: tests grant object permissions (guardian's tables, emptied) on these rows.
KEPT = frozenset({"django_content_type", "auth_permission"})


def _sql_flush_by_delete(
    self: DatabaseOperations,
    style: Any,
    tables: list[str],
    *,
    reset_sequences: bool = False,
    allow_cascade: bool = False,
) -> list[str]:
    if reset_sequences or allow_cascade:  # keep Django's way where a test asks for either
        return _TRUNCATE(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    # The names are Django's own tables (flush lists them), quoted.
    return [f"DELETE FROM {self.quote_name(table)};" for table in tables if table not in KEPT]  # noqa: S608


@contextmanager
def flush_by_delete() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DatabaseOperations, "sql_flush", _sql_flush_by_delete)
        yield
