"""What the test suite's machinery costs per request and per transactional test, on a database of
your choice (never the tests' own): the demo crawl with and without the test client's template
instrumentation (tests/rendering.py), and one flush as a transactional test ends (tests/flushing.py),
emptying everything or keeping the content types and permissions.

    createdb -h 127.0.0.1 -U postgres ist_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ist_bench DEBUG=true
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py seed_demo
    .venv/bin/python bench/suite_overheads.py crawl           # reads only (its writes are rolled back)
    .venv/bin/python bench/suite_overheads.py flush           # EMPTIES the database: run it last

Figures: docs/performance.md, "Round seven".
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import transaction  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402

STATIC_PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"


def crawl(runs: int) -> None:
    """The crawl of tests/demo/test_crawl.py as the eight demo accounts, instrumented and plain, in turn."""
    import logging

    import tests.demo.test_crawl as demo_crawl
    from tests.rendering import plain_rendering

    setup_test_environment()  # what pytest-django does: instrumented rendering
    logging.disable(logging.ERROR)

    def once() -> tuple[int, float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        with transaction.atomic():
            pages = sum(len(demo_crawl.crawl(email).visited) for email in demo_crawl.ACCOUNTS)
            transaction.set_rollback(True)
        return pages, time.perf_counter() - wall, time.process_time() - cpu

    for _ in range(runs):
        pages, wall, cpu = once()
        print(f"instrumented: {pages} pages, {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        with plain_rendering():
            pages, wall, cpu = once()
        print(f"plain:        {pages} pages, {wall:.1f} s wall, {cpu:.1f} s CPU", flush=True)


def flush(runs: int) -> None:
    """Django's flush as a transactional test ends, then the reference data the browser tests seed again."""
    from django.core.management import call_command
    from django.db.backends.postgresql.operations import DatabaseOperations

    from tests import flushing
    from tests.databases import seed_reference_data

    def everything(self: DatabaseOperations, style: Any, tables: list[str], **_: Any) -> list[str]:
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608

    ways = {"empty every table": everything, "keep content types and permissions": flushing._sql_flush_by_delete}
    for _ in range(runs):
        for name, sql_flush in ways.items():
            setattr(DatabaseOperations, "sql_flush", sql_flush)  # noqa: B010  # what tests/flushing.py patches
            wall = time.perf_counter()
            # As TransactionTestCase does (its reset_sequences is off; the command alone would reset them).
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False, allow_cascade=False)
            flushed = time.perf_counter()
            seed_reference_data()
            print(
                f"{name}: flush {flushed - wall:.2f} s, then seed_reference_data {time.perf_counter() - flushed:.2f} s"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["crawl", "flush"])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    # As the suite runs (tests/conftest.py): quick password hashing, no second-factor step, and a live
    # server that answers any host.
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        IST_MFA_REQUIRED=False,
        IST_WORKER_STARTUP_GRACE_S=10**9,
        ALLOWED_HOSTS=["*"],
        DEBUG=False,
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": STATIC_PLAIN}},
    ):
        (crawl if args.what == "crawl" else flush)(args.runs)


if __name__ == "__main__":
    main()
