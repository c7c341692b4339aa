from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings
from django.test.utils import override_settings
from kombu.transport.virtual import Channel as VirtualChannel

from participants.inputs import ClosureFields
from teams.models import Membership, User
from tests import module_sharing, rendering
from tests.factories import ReferrerFactory, UserFactory, member
from tests.flushing import flush_by_delete

Role = Membership.Role

_test_settings = override_settings(
    # Password hashing is deliberately slow; tests log in hundreds of times.
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    # The suite logs in with force_login and the browser helper; the second-factor tests
    # (tests/login/) switch it on with the `settings` fixture.
    IST_MFA_REQUIRED=False,
    # No beat sends heartbeats to the test database: a missing one must not turn /healthz and the
    # administrators' pages "silent" halfway through the suite. tests/health sets its own grace.
    IST_WORKER_STARTUP_GRACE_S=10**9,
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
)


@pytest.fixture(scope="session", autouse=True)
def _flush_by_delete() -> Iterator[None]:
    """Empty the tables after each transactional test with DELETE rather than TRUNCATE
    (tests/flushing.py): ~0.07 s instead of ~2 s a test on PostgreSQL."""
    with flush_by_delete():
        yield


@pytest.fixture(autouse=True)
def _plain_rendering(request: pytest.FixtureRequest) -> Iterator[None]:
    """Templates render without the test client's instrumentation unless the test is marked
    `template_context` (it reads `response.context` or `response.templates`): tests/rendering.py."""
    if request.node.get_closest_marker(rendering.MARKER):
        yield
        return
    with rendering.plain_rendering():
        yield


def worker_id() -> str:
    """pytest-xdist's name for this process ("gw0", "gw1", …), or "main" without xdist. Each worker
    has a test database of its own (pytest-django adds the suffix); what is not per database is
    made per worker with this name: the Celery queue and the media directory."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def test_run() -> str:
    """The name of this pytest run when two runs share one checkout and database settings at once:
    `make pytest` starts the browser run (IST_TEST_RUN=browser) beside the app run. Empty otherwise."""
    return os.environ.get("IST_TEST_RUN", "")


def test_queue() -> str:
    """The Celery queue of this test process: per database (two checkouts use different databases),
    per run (the app and browser runs of `make pytest` go at the same time) and per xdist worker.
    Named once, in pytest_configure: later pytest-django renames the database to the test
    database's name."""
    database = Path(str(settings.DATABASES["default"]["NAME"])).stem
    run = f"-{test_run()}" if test_run() else ""
    return f"ist-tests-{database}{run}-{worker_id()}"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix: None, django_db_use_migrations: bool, django_db_blocker
) -> None:
    """pytest-django's hook, run before the test databases are made, plus:

    - the run's name in the test databases' names: the browser run's workers use
      test_<name>_gw0_browser… beside the app run's test_<name>_gw0… (SQLite's test database is in
      memory, one per process: nothing to rename);
    - on PostgreSQL, each test database is a copy of one migrated template (tests/template_database.py)
      instead of every worker migrating its own."""
    if test_run():
        for db_settings in settings.DATABASES.values():
            test = db_settings.setdefault("TEST", {})
            if not test.get("NAME") and db_settings["ENGINE"].endswith("sqlite3"):
                continue
            name = test.get("NAME") or f"test_{db_settings['NAME']}"
            test["NAME"] = f"{name}_{test_run()}"
    if django_db_use_migrations:
        from tests import template_database

        with django_db_blocker.unblock():
            template_database.prepare()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-screenshots",
        action="store_true",
        help="browser tests save their screenshots in docs/screenshots (tracked) instead of var/screenshots",
    )


def pytest_configure(config: pytest.Config) -> None:
    # Tests never run collectstatic; serve static files by their plain names.
    _test_settings.enable()
    # Stored files go to a directory of this run and worker, never into var/media of `make run`
    # (and never into another worker's, whose test may be counting or removing files).
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix=f"ist-test-media-{worker_id()}-"))
    # A queue of the tests' own, so a `make run` worker on the same broker never takes a test's
    # task (and writes to the wrong database), and one per xdist worker, so two workers' Celery
    # workers never take (or purge) each other's tasks.
    from ist.celery import app as celery_app

    celery_app.conf.task_default_queue = test_queue()


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadgroup` (the app run) keeps tests/demo on one worker: tests/scheduling.py."""
    from tests.scheduling import make_scheduler

    return make_scheduler(config, log)


def pytest_unconfigure(config: pytest.Config) -> None:
    if "ist-test-media-" in str(settings.MEDIA_ROOT):
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


@pytest.fixture
def celery_worker():
    """A real worker on the configured broker, consuming the tests' own queue,
    which is emptied first: messages left by earlier tests (e.g. browser tests,
    whose database rows are gone) must not reach it."""
    from celery.contrib.testing.worker import start_worker

    from ist.celery import app as celery_app

    with celery_app.connection_for_write() as conn:
        # The queue named in pytest_configure, which the worker consumes (not test_queue() again:
        # by now the database name is the test database's, and the purge would miss the queue).
        queue = celery_app.conf.task_default_queue
        cast("VirtualChannel", conn.default_channel).queue_declare(queue=queue, durable=True, auto_delete=False)
        cast("VirtualChannel", conn.default_channel).queue_purge(queue)
    with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def build_users() -> dict[str, User]:
    """One user per role, all in IST Halmstad/Hylte where a team role applies."""
    return {
        "administrator": UserFactory.create(is_administrator=True),
        "steering": UserFactory.create(is_steering_group=True),
        "koordinator": member(Role.KOORDINATOR),
        "handledare": member(Role.HANDLEDARE),
        "samverkansteam": member(Role.SAMVERKANSTEAM),
        "referrer": ReferrerFactory.create(),
    }


@pytest.fixture
def module_data(request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker) -> Iterator[Any]:
    """The levels of data (users, world, journey) this test shares with the rest of its module, as
    copies (tests/module_sharing.py); None if it builds its own. First of every test's fixtures."""
    builders: list[module_sharing.Builder] = [lambda _below: build_users(), build_world, build_journey]
    yield from module_sharing.shared_copy(request.node, django_db_blocker, builders, copy.deepcopy)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    module_sharing.order(items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    item.stash[module_sharing.NEXT] = nextitem  # read by module_data's teardown
    return (yield)


@pytest.fixture
def users(db: None, module_data: dict[int, Any] | None) -> dict[str, User]:
    """One user per role (build_users); built once per module where the tests allow it (module_data)."""
    if module_data is not None:
        return module_data[module_sharing.USERS]
    return build_users()


def build_world(users: dict[str, User]) -> dict[str, object]:
    """The users of `users` plus one object of each kind in IST Halmstad/Hylte, sent by users["referrer"]:
    a draft, a referral on a meeting's agenda (item), a question, an accepted referral with an
    information meeting."""
    from datetime import time, timedelta

    from django.utils import timezone

    from referrals import services
    from tests.referrals import builders

    coordinator, referrer = users["koordinator"], users["referrer"]
    referral = builders.submitted(referrer)
    meeting = builders.meeting(coordinator)
    accepted = builders.accepted(builders.submitted(referrer), coordinator)
    info_meeting = services.info_meeting_book(
        referral=accepted,
        date=timezone.localdate() + timedelta(days=3),
        start_time=time(13, 0),
        place="IST-kontoret",
        attendees=[coordinator],
        by=coordinator,
    )
    return {
        **users,
        "draft": builders.draft(referrer),
        "referral": referral,
        "meeting": meeting,
        "item": builders.on_agenda(referral, meeting, coordinator),
        "question": builders.question(referrer),
        "accepted": accepted,
        "info_meeting": info_meeting,
    }


@pytest.fixture
def world(users: dict[str, User], module_data: dict[int, Any] | None) -> dict[str, object]:
    """build_world: `users` plus one object of each kind; once per module where allowed (module_data)."""
    if module_data is not None and module_sharing.WORLD in module_data:
        return module_data[module_sharing.WORLD]
    return build_world(users)


def build_journey(world: dict[str, Any]) -> dict[str, object]:
    """`world` plus an active enrolment (world["enrollment"]) in IST Halmstad/Hylte with
    world["handledare"] responsible, started 60 days ago, with one logged activity
    (world["activity"]), a closed enrolment with follow-ups (world["closed"], world["follow_up"]),
    and a referral ready for enrolment (world["ready"])."""
    from datetime import timedelta

    from django.utils import timezone

    from participants import rules, services
    from participants.models import ActivityKind, ExitReason
    from tests.participants import builders

    coordinator, referrer, handledare = world["koordinator"], world["referrer"], world["handledare"]
    enrollment = builders.enrolled(referrer, coordinator, handledare)
    activity = services.activity_log(
        enrollment=enrollment,
        kind=ActivityKind.TALK,
        # Yesterday, but never last week: on a Monday the sweep's "last week" must stay without it,
        # as on every other day (the week-log tests delete last week's activities).
        day=max(timezone.localdate() - timedelta(days=1), rules.week_start(timezone.localdate())),
        attendance="present",
        duration_minutes=60,
        note="",
        by=handledare,
    )
    closed = builders.enrolled(referrer, coordinator, handledare, start=timezone.localdate() - timedelta(days=400))
    services.close(
        enrollment=closed,
        by=coordinator,
        values=ClosureFields(
            date=timezone.localdate() - timedelta(days=200), reason=ExitReason.objects.get(code="arbete")
        ),
    )
    return {
        **world,
        "enrollment": enrollment,
        "participant": enrollment.participant,
        "activity": activity,
        "closed": closed,
        "follow_up": closed.follow_ups.get(months=6),
        "ready": builders.ready_referral(referrer, coordinator),
    }


@pytest.fixture
def journey(world: dict[str, object], module_data: dict[int, Any] | None) -> dict[str, object]:
    """build_journey: `world` plus enrolments, an activity and follow-ups. Built once per test
    module (it costs ~635 queries) and copied per test, except for the tests that must build their
    own: tests/module_sharing.py says which, and `@pytest.mark.fresh_journey` asks for it."""
    if module_data is not None and module_sharing.JOURNEY in module_data:
        return module_data[module_sharing.JOURNEY]
    return build_journey(world)


@pytest.fixture
def shared_journey(journey: dict[str, object]) -> dict[str, object]:
    """`journey` (the name the URL matrix uses, from when only it shared the module's build)."""
    return journey
