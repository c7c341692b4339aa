"""`users`, `world` and `journey` (tests/conftest.py) built once per test module and xdist worker,
not once per test (issue 15; decision 0020, "Round five").

The data is built in a transaction opened between two tests (never inside a test's own savepoint)
and rolled back after the last test of the module that shares it; each test runs in a savepoint
inside it (pytest-django's `db`) and gets a deep copy of the objects, as Django's `setUpTestData`
gives. Three levels, each built on the one below: users (1), world (2), journey (3). A test shares
the highest level it requests (`users` and `world` of a test that also requests `journey` are the
journey's own objects).

So that a test never sees more than it would have built itself, the tests of each module are put
in the order: first those that build their own (or need none), then those sharing users, world,
journey; the shared transaction is opened at the first test that needs it and only grows. A test
builds its own, as before, when it needs committed data (a transactional database, the live
server, a Celery worker), when another module-wide transaction is in play (`demo`, the fuzz's
forms), or when it is marked `fresh_journey` (it needs the data built after its own set-up).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from pytest_django.plugin import validate_django_db

# build_users, build_world, build_journey: each takes the level below (None for users).
Builder = Callable[[Any], dict[str, Any]]

USERS, WORLD, JOURNEY = 1, 2, 3
LEVELS = {"users": USERS, "world": WORLD, "journey": JOURNEY}

# The level a test shares, or 0 if it builds its own; set at collection.
LEVEL = pytest.StashKey[int]()
# The test after this one on this process (pytest's `nextitem`), set at its teardown: the shared
# data outlives a test only if the next one shares it too.
NEXT = pytest.StashKey["pytest.Item | None"]()

# Fixtures of tests that must see data committed (by another connection or for real).
COMMITS = frozenset({"transactional_db", "live_server", "celery_worker", "django_db_reset_sequences"})
# Module- or package-wide fixtures with a transaction of their own (tests/demo, the fuzz): two such
# transactions opened in turn by different tests of one module would not close in the reverse order.
OWN_TRANSACTION = frozenset({"package_demo", "reachable_forms"})


def level_of(item: pytest.Item) -> int:
    """The level `item` shares, or 0 if it builds its own (or requests none of the three)."""
    names = set(getattr(item, "fixturenames", ()))
    level = max((LEVELS[name] for name in names & LEVELS.keys()), default=0)
    if not level or names & (COMMITS | OWN_TRANSACTION) or item.get_closest_marker("fresh_journey"):
        return 0
    marker = item.get_closest_marker("django_db")
    if marker is not None:
        transactional, reset_sequences, databases, serialized_rollback, _apps = validate_django_db(marker)
        if transactional or reset_sequences or serialized_rollback or databases not in (None, ["default"]):
            return 0
    return level


def _django_order(item: pytest.Item) -> int:
    """pytest-django's group of `item` (0 rolled back, 1 transactional, 2 no database), which it
    runs in that order; tests are only reordered within a module's run of one group."""
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    transactional = "transactional_db" in names or "live_server" in names
    if marker is not None:
        transaction_, reset_sequences, *_ = validate_django_db(marker)
        transactional = transactional or transaction_ or reset_sequences
    if transactional:
        return 1
    return 0 if marker is not None or "db" in names else 2


def order(items: list[pytest.Item]) -> None:
    """Mark each test's level and, within each module's run of one pytest-django group, put the
    tests that build their own first, then by the level they share (stable otherwise)."""
    for item in items:
        item.stash[LEVEL] = level_of(item)
        names = getattr(item, "fixturenames", None)
        if names is not None and "module_data" in names:
            # First of the test's fixtures, so that it is built before pytest-django opens the
            # test's savepoint (`db`), which autouse fixtures otherwise open first.
            names.remove("module_data")
            names.insert(0, "module_data")
    ordered: list[pytest.Item] = []
    for _key, run in itertools.groupby(items, key=lambda item: (item.path, _django_order(item))):
        ordered.extend(sorted(run, key=lambda item: item.stash[LEVEL]))
    items[:] = ordered


class _Shared:
    """The data of the current module's shared run: its open transaction and its levels."""

    def __init__(self) -> None:
        self.path: Path | None = None
        self.atomic: Any = None
        self.levels: list[dict[str, Any]] = []

    def up_to(self, item: pytest.Item, level: int, blocker: Any, builders: list[Builder]) -> list[dict[str, Any]]:
        """The levels 1…`level` for `item`, building the missing ones on top (between two tests)."""
        if self.path != item.path or len(self.levels) > level:
            self.release(blocker)  # normally done at the last sharing test's teardown already
        with blocker.unblock():
            if self.atomic is None:
                self.atomic, self.path = transaction.atomic(), item.path
                self.atomic.__enter__()
            try:
                while len(self.levels) < level:
                    below = self.levels[-1] if self.levels else None
                    self.levels.append(builders[len(self.levels)](below))
            except BaseException:
                self.release(blocker)
                raise
        return self.levels[:level]

    def release(self, blocker: Any) -> None:
        if self.atomic is not None:
            with blocker.unblock():
                transaction.set_rollback(True)
                self.atomic.__exit__(None, None, None)
        self.path, self.atomic, self.levels = None, None, []


_shared = _Shared()


def continues(item: pytest.Item, nextitem: pytest.Item | None) -> bool:
    """Whether the shared data of `item` is still wanted by `nextitem`."""
    return nextitem is not None and nextitem.path == item.path and nextitem.stash.get(LEVEL, 0) > 0


def shared_copy(
    item: pytest.Item, blocker: Any, builders: list[Builder], copy: Callable[[Any], Any]
) -> Iterator[dict[int, dict[str, Any]] | None]:
    """For a sharing test: a copy of its levels ({level: data}), the objects of a lower level being
    those of the higher; the shared data is released after the test unless the next test shares it.
    None for a test that builds its own."""
    level = item.stash.get(LEVEL, 0)
    if not level:
        yield None
        return
    try:
        levels = _shared.up_to(item, level, blocker, builders)
        top = copy(levels[-1])
        yield {number: {key: top[key] for key in data} for number, data in enumerate(levels, start=1)}
    finally:
        if not continues(item, item.stash.get(NEXT, None)):
            _shared.release(blocker)
