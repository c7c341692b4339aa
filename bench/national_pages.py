"""Benchmark of issue 16's page work: Statistik's activity rollup, Översikt's due dates in SQL, the pickers.

    DEBUG=true DATABASE_URL=postgres://… .venv/bin/python bench/national_pages.py [--scale 40] [--requests 15]
        [--referrers 2000] [--date-index]

Builds a throwaway test database (test_<name>), runs `seed_demo --scale N`, adds `--referrers`
active referrer accounts (the national data set has 2,003), then measures with Django's test client,
each figure the median and p95 of `--requests` runs and the SQL query count:

- Statistik, all teams over 365 days, as a coordinator of every team: the page and the activity figure
  alone, before the rollup has counted anything (every day live: the old aggregate over a year of
  activity rows) and after `rollup.refresh` (finished days from the rollup, today live);
  and how long `rollup.refresh` takes to count every day from nothing.
- Översikt for every team: the page, and the document schedule alone, per enrolment in Python
  (due_dates, as before) against one SQL query (due_counts).
- The participant page as its handledare: size and time, and what the contact `<select>` of every
  active referrer it used to carry cost to render (size and time) with the same referrers.
- The pickers' search URLs (contact and Loggkontroll's "Användare").

`--date-index` first creates the (date, enrollment_id) index on activities that the national-data
branch adds by migration (the rollup's live part and refresh use it). Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(label: str, runs: int, call: Callable[[], Any]) -> None:
    call()  # warm up
    times, queries, size = [], 0, 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = call()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured)
        if getattr(result, "status_code", 200) != 200:
            raise SystemExit(f"{label}: answered {result.status_code}")
        size = len(result.content) if hasattr(result, "content") else 0
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    extra = f", {size / 1024:.0f} KiB" if size else ""
    print(f"| {label} | {statistics.median(times):.0f} ms | {p95:.0f} ms | {queries}{extra} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=15)
    parser.add_argument("--scale", type=int, default=40)
    parser.add_argument("--referrers", type=int, default=2000)
    parser.add_argument("--date-index", action="store_true")
    args = parser.parse_args()

    setup_test_environment()
    settings.IST_MFA_REQUIRED = False  # the test client's force_login gives no second factor
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def run(args: argparse.Namespace) -> None:
    from django import forms
    from django.urls import reverse

    from participants.documents import forms as document_forms
    from participants.documents.schedule import _due_counts_python, due_counts
    from participants.models import Activity, Enrollment
    from reports import rollup
    from reports.models import ActivityDay, RollupDay
    from reports.statistics import Period, activities
    from teams.models import Membership, Organisation, Team, User

    began = time.perf_counter()
    call_command("seed_demo", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
    organisation = Organisation.objects.filter(kind=Organisation.Kind.FK).first()
    User.objects.bulk_create(
        User(email=f"bench.remittent{n}@ist.example", first_name="Remi", last_name=f"Ttent{n}", is_referrer=True,
             organisation=organisation)
        for n in range(args.referrers)
    )  # fmt: skip
    if args.date_index:
        with connection.cursor() as cursor:
            cursor.execute("CREATE INDEX bench_activity_date ON participants_activity (date, enrollment_id)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"{connection.vendor}: seed_demo --scale {args.scale} + {args.referrers} referrers in "
        f"{time.perf_counter() - began:.0f} s: {Enrollment.objects.count()} enrolments, "
        f"{Activity.objects.count()} activities, {User.objects.filter(is_referrer=True, is_active=True).count()} "
        f"active referrers; (date, enrollment_id) index: {'yes' if args.date_index else 'no'}"
    )

    coordinator = User.objects.create_user("bench.koordinator@ist.example", "bench-losenord-1")
    Membership.objects.bulk_create(
        Membership(user=coordinator, team=team, role=Membership.Role.KOORDINATOR) for team in Team.objects.all()
    )
    client = Client()
    client.force_login(coordinator)
    today = timezone.localdate()
    year = Period(today - timedelta(days=365), today)
    teams = Team.objects.all()
    stats_url = f"/statistik/?fran={year.start:%Y-%m-%d}&till={year.end:%Y-%m-%d}"
    runs = args.requests

    print("\n| what | median | p95 | queries |\n|---|---|---|---|")
    RollupDay.objects.all().delete()
    ActivityDay.objects.all().delete()
    timed("Statistik page, before the rollup (every day live)", runs, lambda: client.get(stats_url))
    timed("activity figure alone, every day live", runs, lambda: activities(teams, year))
    start = time.perf_counter()
    result = rollup.refresh()
    print(f"| rollup.refresh from nothing: {result['counted']} days, {ActivityDay.objects.count()} rows "
          f"| {(time.perf_counter() - start) * 1000:.0f} ms | | |")  # fmt: skip
    timed("Statistik page, from the rollup (today live)", runs, lambda: client.get(stats_url))
    timed("activity figure alone, from the rollup", runs, lambda: activities(teams, year))
    rollup.mark_dirty(days=[today - timedelta(days=n) for n in (3, 40, 200)])
    timed("activity figure, rollup with 3 dirty days", runs, lambda: activities(teams, year))
    start = time.perf_counter()
    rollup.refresh()
    print(f"| rollup.refresh of 3 dirty days | {(time.perf_counter() - start) * 1000:.0f} ms | | |")

    ids = list(teams.values_list("pk", flat=True))
    soon = today + timedelta(days=14)
    if due_counts(ids, today=today, soon=soon) != _due_counts_python(ids, today=today, soon=soon):
        raise SystemExit("due_counts and due_dates disagree")
    timed("Översikt page, every team", runs, lambda: client.get(reverse("reports:dashboard")))
    timed("document schedule, per enrolment in Python (before)", runs,
          lambda: _due_counts_python(ids, today=today, soon=soon))  # fmt: skip
    timed("document schedule, one SQL query (after)", runs, lambda: due_counts(ids, today=today, soon=soon))

    enrollment = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).select_related("responsible").first()
    if enrollment is None:
        raise SystemExit("no active enrolment here: run `manage.py seed_demo --national` first")
    handledare = Client()
    handledare.force_login(enrollment.responsible)
    timed("participant page (contact picker)", runs,
          lambda: handledare.get(reverse("participants:detail", args=[enrollment.pk])))  # fmt: skip

    class OldContactForm(forms.Form):  # the <select> the page carried before, with the same referrers
        user = forms.ModelChoiceField(queryset=document_forms.contact_candidates())

    class Rendered:
        def __init__(self, html: str) -> None:
            self.content = html.encode()

    timed("the old contact <select> alone (before)", runs, lambda: Rendered(str(OldContactForm()["user"])))
    timed("contact picker search ?user_q=remi", runs,
          lambda: handledare.get(reverse("participants:contact_search"), {"user_q": "remi"}))  # fmt: skip
    admin = User.objects.create_user("bench.admin@ist.example", "bench-losenord-1", is_administrator=True)
    client.force_login(admin)
    timed("Loggkontroll 'Användare' search ?actor_q=remi", runs,
          lambda: client.get(reverse("audit:actor_search"), {"actor_q": "remi"}))  # fmt: skip


if __name__ == "__main__":
    main()
