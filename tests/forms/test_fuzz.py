"""Every form of the app, found by crawling the demo as each account (tests/forms/discovery.py),
gets FORM_FUZZ_EXAMPLES (200) generated submits as the user who saw it (tests/forms/inputs.py):
no answer may be a server error, and a refused submit (4xx, or the form back with its errors)
may not have inserted, updated or deleted a single row of the app's data.

"Nothing changed" is read from PostgreSQL's own per-transaction counters
(pg_stat_xact_user_tables), so every table is watched, not a hand-picked few. Each submit runs in
a savepoint that is rolled back, so every example starts from the same seeded data.

Run time here (2 cores, shared): see docs/decisions/0015-forms-robustness.md.
"""

from __future__ import annotations

import copy
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import pytest
from django.db import connection, transaction
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings

from teams.models import User
from tests.databases import postgresql_only
from tests.demo.test_crawl import error_summary
from tests.forms.costs import by_cost
from tests.forms.discovery import Form, forms_reachable
from tests.forms.inputs import submissions
from tests.rendering import plain_rendering

pytestmark = [pytest.mark.integration, pytest.mark.django_db, postgresql_only]

ROLES = ("koordinator", "handledare", "samverkansteam", "referrer", "administrator", "steering")
EXAMPLES = int(os.environ.get("FORM_FUZZ_EXAMPLES", "200"))
# The forms are fuzzed in this many tests, so pytest-xdist can spread them over its workers (one
# test of 3.5 minutes kept one worker busy while the other had finished; docs/decisions/0020). The
# shards are cut by each form's measured cost (tests/forms/costs.py), about two or three forms each.
SHARDS = 24
# Tables a refused submit may still write: the read it made is access-logged (auditlog), a login
# attempt is counted (axes), a message waits in the session.
MAY_CHANGE_ON_REFUSAL = {
    "auditlog_logentry",
    "axes_accessattempt",
    "axes_accessfailurelog",
    "axes_accesslog",
    "django_session",
    # django-otp counts a wrong code on the device (its throttle, like axes for passwords).
    "otp_totp_totpdevice",
}
ERROR_MARKERS = ('class="errorlist', 'class="errorsummary', 'aria-invalid="true"')


class _RollbackError(Exception):
    pass


@contextmanager
def timed(what: str) -> Iterator[None]:
    """With FORM_FUZZ_TIMES set, print what `what` took: wall clock and this process's CPU."""
    wall, cpu = time.monotonic(), time.process_time()
    yield
    if os.environ.get("FORM_FUZZ_TIMES"):
        print(f"{what}: {time.monotonic() - wall:.1f} s wall, {time.process_time() - cpu:.1f} s CPU")


# The app's tables, read once per process: the schema does not change while the fuzz runs.
_USER_TABLES: list[int] = []

# pg_stat_xact_user_tables computes a dozen counters for every relation of the database, system
# catalogs included, and then keeps the user tables; read once per submit (~8,000 submits) that was
# a few ms of PostgreSQL's time each. The three counters needed, for the user tables only, are the
# same figures for a fraction of the work.
CHANGES_SQL = """
    SELECT relid::regclass::text,
           pg_stat_get_xact_tuples_inserted(relid) + pg_stat_get_xact_tuples_updated(relid)
           + pg_stat_get_xact_tuples_deleted(relid)
    FROM unnest(%s::oid[]) AS relid
"""


def table_changes() -> Counter[str]:
    """Rows inserted, updated and deleted per table so far in this transaction (tables with none
    left out: a Counter's missing key is 0)."""
    with connection.cursor() as cursor:
        if not _USER_TABLES:
            cursor.execute("SELECT relid FROM pg_stat_user_tables")
            _USER_TABLES.extend(oid for (oid,) in cursor.fetchall())
        cursor.execute(CHANGES_SQL, [_USER_TABLES])
        return Counter({name: n for name, n in cursor.fetchall() if n})


def refused(response: Any) -> bool:
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return False
    text = response.content.decode(response.charset or "utf-8")
    return any(marker in text for marker in ERROR_MARKERS)


def submit(client: Client, form: Form, url: str, htmx: bool, data: dict[str, Any]) -> Any:
    headers = {"HX-Request": "true", "HX-Current-URL": f"http://testserver{form.page}"} if htmx else {}
    if form.method == "get":
        return client.get(url.partition("?")[0] if data else url, data, headers=headers)
    return client.post(url, data, headers=headers)


def fuzz(client: Client, form: Form, failures: list[str]) -> tuple[int, int]:
    """Check EXAMPLES generated inputs to `form`; returns how many were generated and how many
    submitted. An input equal to one already submitted to this form is checked by that submit: each
    submit starts from the same data (its savepoint is rolled back, the client's cookies put back),
    so the same input gets the same answer. About a third of Hypothesis's inputs repeat an earlier
    one (mostly the unchanged "sensible submit"); they are not sent again."""
    made = 0
    sent: set[str] = set()
    baseline = [table_changes()]

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,  # the same inputs on every run, so a failure in CI is reproducible here
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(submission=submissions(form))
    def run(submission: tuple[str, bool, dict[str, Any]]) -> None:
        nonlocal made
        made += 1
        url, htmx, data = submission
        # repr: an uploaded file's includes its object's address, so files are never taken as repeats.
        if (key := repr(submission)) in sent:
            return
        sent.add(key)
        cookies = copy.deepcopy(client.cookies)
        try:
            with transaction.atomic():
                response = submit(client, form, url, htmx, data)
                after = table_changes()
                raise _RollbackError
        except _RollbackError:
            pass
        # The rollback undid the session rows too: a submit that logged out or changed the password
        # (a new session key) must not leave the client signed out for the submits and forms after it.
        client.cookies = cookies
        # The counters keep what a rolled-back savepoint did, so the last reading is the baseline.
        changed, baseline[:] = after - baseline[0], [after]
        where = f"{form.describe()} {'(htmx) ' if htmx else ''}with {data!r:.400}"
        failure = ""
        if response.status_code >= 500:
            failure = f"{error_summary(response)}\n    {where}"
        elif refused(response) and (wrote := sorted(set(changed) - MAY_CHANGE_ON_REFUSAL)):
            failure = f"refused ({response.status_code}) but wrote to {', '.join(wrote)}\n    {where}"
        if failure:
            failures.append(failure)
            print(f"FUZZ FAILURE {failure}", file=sys.stderr)  # seen at once with -s, not only at the end

    run()
    return made, len(sent)


def discover(accounts: list[User]) -> list[tuple[Client, Form]]:
    """Each distinct form once, with a client signed in as an account that was shown it."""
    found: dict[tuple[str, str], tuple[Client, Form]] = {}
    anonymous = Client(raise_request_exception=False)
    for start in ("/konto/login/", "/konto/password_reset/"):
        for form in forms_reachable(anonymous, start, max_pages=1)[0]:
            found.setdefault(form.key, (anonymous, form))
    for user in accounts:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        with timed(f"crawl as {user.email}"):
            reached = forms_reachable(client)[0]
        for form in reached:
            form.account = user.email
            found.setdefault(form.key, (client, form))
    # In the order of their (method, route): the same on every xdist worker, so the shards split
    # one list and every form is in exactly one shard.
    return [found[key] for key in sorted(found)]


@contextmanager
def fast_rendering() -> Iterator[None]:
    """Plain rendering (tests/rendering.py: the module-scoped crawl runs outside the per-test
    fixture that gives it), and no logging: refusals are logged by django.request (and a login
    attempt by axes) thousands of times; the test reports what matters itself."""
    with plain_rendering():
        logging.disable(logging.ERROR)
        try:
            yield
        finally:
            logging.disable(logging.NOTSET)


@pytest.fixture(scope="module")
def reachable_forms(django_db_setup: None, django_db_blocker: Any) -> Iterator[list[tuple[Client, Form]]]:
    """The seeded world and every form found in it, once per module and xdist worker (as
    tests/module_sharing.py does for `journey`): in a transaction rolled back after the module; each shard
    runs in a savepoint inside it, and each submit in a savepoint inside that."""
    from tests.conftest import build_journey, build_users, build_world
    from tests.participants.documents.builders import draft_plan, rendered_plan

    with django_db_blocker.unblock(), transaction.atomic():
        with timed("the seeded world"):
            journey = build_journey(build_world(build_users()))
            rendered_plan(journey)
            draft_plan(journey)
        with fast_rendering(), timed("the crawl as every role"):
            forms = discover([cast(User, journey[role]) for role in ROLES])
        yield forms
        transaction.set_rollback(True)


@pytest.mark.parametrize("shard", range(SHARDS))
def test_every_form_answers_generated_input_without_server_error_or_half_saved_refusal(
    reachable_forms: list[tuple[Client, Form]], shard: int, caplog: pytest.LogCaptureFixture
) -> None:
    """Shard `shard` of SHARDS: the discovered forms cut by cost (tests/forms/costs.py), so the
    shards together fuzz every form once, the costliest shards first, and the xdist workers share
    the work."""
    if os.environ.get("CI") and EXAMPLES < 200 and not os.environ.get("FORM_FUZZ_LOCAL"):
        pytest.fail("FORM_FUZZ_EXAMPLES lowers the count for local work only (with FORM_FUZZ_LOCAL=1); CI runs 200")

    caplog.set_level(logging.CRITICAL)
    # Guards against a fuzz that proves nothing: the crawl found the app's forms, each shard has some.
    assert len(reachable_forms) >= 30, [form.describe() for _client, form in reachable_forms]
    shards = by_cost(reachable_forms, SHARDS)
    assert sorted(form.key for part in shards for _client, form in part) == sorted(
        form.key for _client, form in reachable_forms
    ), "every form in exactly one shard"
    forms = shards[shard]
    started = time.monotonic()
    failures: list[str] = []
    only = os.environ.get("FORM_FUZZ_ONLY", "")  # e.g. "/avslut/": one form while working on it
    made, sent = {}, {}
    with fast_rendering():
        for client, form in forms:
            if only and only not in form.describe():
                continue
            wall, cpu = time.monotonic(), time.process_time()
            made[form.describe()], sent[form.describe()] = fuzz(client, form, failures)
            if os.environ.get("FORM_FUZZ_TIMES"):  # the figures of tests/forms/costs.py SUBMIT_MS
                n = sent[form.describe()]
                wall_ms, cpu_ms = (time.monotonic() - wall) / n * 1000, (time.process_time() - cpu) / n * 1000
                print(f"{wall_ms:6.0f} ms wall {cpu_ms:4.0f} ms CPU {form.key} {form.describe()}")
    print(
        f"\nshard {shard}: {len(forms)} forms, {sum(made.values())} inputs, {sum(sent.values())} distinct submits"
        f" in {time.monotonic() - started:.0f} s"
    )
    assert made or only
    assert all(n >= EXAMPLES for n in made.values()), made
    # Guards against a dedup that swallows the fuzz: most inputs are new ones.
    assert all(sent[name] * 2 > made[name] for name in made), sent
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(sorted(failures)[:60])


def test_the_change_counters_see_every_write_even_one_rolled_back(db: None) -> None:
    """The premise of the refusal check: what a submit wrote is counted, although its savepoint is
    rolled back, and on the table it wrote to."""
    from tests.factories import UserFactory

    user = UserFactory.create()
    before = table_changes()
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(first_name="Ändrad")
            User.objects.filter(pk=user.pk).delete()
            raise _RollbackError
    except _RollbackError:
        pass
    changed = table_changes() - before
    # One update and one delete, and the deletion's audit-log row: every table is watched.
    assert changed == Counter({"teams_user": 2, "auditlog_logentry": 1})
    assert User.objects.filter(pk=user.pk, first_name=user.first_name).exists()
