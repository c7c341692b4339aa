"""How the app run deals its tests to the xdist workers (`--dist loadgroup`, Makefile).

As `--dist load` does: every test a unit of its own, dealt in pytest-django's order (tests in a
rolled-back transaction first, the transactional ones, whose flush empties the database, last),
except the tests of tests/demo/, which are one unit and so run on one worker. They share one
seeding of the whole demo (tests/demo/conftest.py, ~60 s in the suite); dealt one by one, each
worker would seed it again.

Not xdist's own `xdist_group` mark: pytest-xdist 3.8 groups by a suffix it writes into
`item._nodeid`, and pytest 9.2 reads the node id from elsewhere, so the mark groups nothing
(measured: the demo seeded on both workers; pytest-dev/pytest-xdist#1386, open). The group is
therefore named by its folder here; this keeps working when xdist is fixed.
"""

from __future__ import annotations

from typing import Any

from xdist.scheduler import LoadGroupScheduling

DEMO_PACKAGE = "tests/demo/"


class DemoOnOneWorker(LoadGroupScheduling):
    """loadgroup with the demo package as one group. xdist puts the largest unit first (its
    `--loadscope-reorder`, on by default; every other unit is one test, kept in order), so one
    worker begins with the demo while the other takes the rest."""

    def _split_scope(self, nodeid: str) -> str:
        if nodeid.startswith(DEMO_PACKAGE):
            return DEMO_PACKAGE
        return super()._split_scope(nodeid)


def make_scheduler(config: Any, log: Any) -> DemoOnOneWorker | None:
    """For pytest_xdist_make_scheduler: ours under `--dist loadgroup`, xdist's own otherwise."""
    if config.getvalue("dist") != "loadgroup":
        return None
    return DemoOnOneWorker(config, log)
