"""Benchmark of the statistics page: all five teams over a year at twenty times the demo data.

    DEBUG=true .venv/bin/python bench/statistics_page.py [--requests 10] [--scale 20]

(Not bench/statistics.py: that name would shadow the standard library module it uses.)

Builds a throwaway test database (test_<name> for PostgreSQL), runs `seed_demo --scale N` in it,
then times GET /statistik/ for the last 365 days and every team, as a steering-group user
(suppressed) and as a coordinator of all five teams (as counted), with Django's test client.
Prints the median and p95 server time and the number of SQL queries, then the time the worker takes
to build the half-year report for all teams (PDF and XLSX, reports.services.report_build), which is
why it is never done in a request. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teams.models import User

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def users() -> dict[str, User]:
    from teams.models import Membership, Team, User

    steering = User.objects.create_user("bench.styrgrupp@ist.example", "bench-losenord-1", is_steering_group=True)
    coordinator = User.objects.create_user("bench.koordinator5@ist.example", "bench-losenord-1")
    Membership.objects.bulk_create(
        Membership(user=coordinator, team=team, role=Membership.Role.KOORDINATOR) for team in Team.objects.all()
    )
    return {"styrgrupp": steering, "koordinator (alla fem team)": coordinator}


def build_report(today: date, runs: int) -> None:
    """Time report_build for the last finished half-year, all teams (rebuilt `runs` times)."""
    from reports import services
    from reports.models import ReportFile
    from teams.models import Team

    label = f"{today.year}H1" if today.month > 6 else f"{today.year - 1}H2"
    teams = list(Team.objects.filter(active=True))
    # Made directly rather than by report_request, which would also queue a build for a worker.
    report = ReportFile.objects.create(
        kind="halfyear",
        label=label,
        teams_key=services.teams_key(teams),
        scope=services.scope_name(teams),
        requested_at=timezone.now(),
    )
    times = []
    for _ in range(runs):
        ReportFile.objects.filter(pk=report.pk).update(status=ReportFile.Status.PENDING)
        start = time.perf_counter()
        if not services.report_build(report_id=report.pk):
            raise SystemExit("the report was not built")
        times.append(time.perf_counter() - start)
    times.sort()
    median = statistics.median(times)
    print(f"report_build halfyear {label}, all teams × {runs}: median {median:.2f} s, max {times[-1]:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--scale", type=int, default=20)
    args = parser.parse_args()

    from participants.models import Activity, Enrollment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        began = time.perf_counter()
        call_command("seed_demo", scale=args.scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        seeded = time.perf_counter() - began
        print(
            f"{connection.vendor}: seed_demo --scale {args.scale} in {seeded:.1f} s: "
            f"{Enrollment.objects.count()} enrolments, {Activity.objects.count()} activities"
        )
        today = timezone.localdate()
        url = f"/statistik/?fran={today - timedelta(days=365):%Y-%m-%d}&till={today:%Y-%m-%d}"
        for label, user in users().items():
            client = Client()
            client.force_login(user)
            response = client.get(url)  # warm up: templates, content types, session
            if response.status_code != 200 or "sections" not in response.context:
                raise SystemExit(f"/statistik/ answered {response.status_code} without figures")
            times = []
            for _ in range(args.requests):
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            print(
                f"GET /statistik/ (365 days, 5 teams) as {label} × {args.requests}: "
                f"median {statistics.median(times):.0f} ms, p95 {p95:.0f} ms, {len(queries)} SQL queries"
            )
        build_report(today, args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
