"""The tests that need the whole seeded demo, gathered in one package so that it is seeded once.

`seed_demo` renders letters, minutes and PDFs and a year of questionnaire answers: ~60 s in the
suite each time. Seeded per module, as before, it cost one seeding for each of seven modules (and
each xdist worker that ran one). Here it is seeded once per package and worker (`package_demo`),
and under `--dist loadgroup` (the Makefile's app run) one worker runs the whole package
(tests/scheduling.py): one seeding per run. Under `--dist load` the package's tests are dealt to
both workers and each seeds once; still correct.

A test that needs the whole demo goes here and requests `demo`. No transactional test here: its
flush would run inside the package's transaction.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="package")
def package_demo(django_db_setup: None, django_db_blocker) -> Iterator[None]:
    """The demo data (`seed_demo`) loaded once for this package, in a transaction rolled back after
    it; each test runs in a savepoint inside it (request `db` or `demo`), so a test's own writes,
    a second `seed_demo` included, are undone before the next test. Only the seeding runs with
    DEBUG=true (the command refuses without it); the tests run with the suite's settings."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(package_demo: None, db: None) -> None:
    """The demo data, loaded once for the package (package_demo); a test's own writes are undone after it."""
