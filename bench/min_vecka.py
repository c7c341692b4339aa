"""Benchmark of Min vecka: one handledare with 40 (or --rows) participants and a year of activities.

    DEBUG=true .venv/bin/python bench/min_vecka.py [--requests 30] [--rows 160]

Builds a throwaway test database (the configured engine's test database: in-memory for SQLite,
test_<name> for PostgreSQL), fills it with bulk_create, then times GET /deltagare/vecka/ with
Django's test client and prints the median and p95 server time and the number of SQL queries.
Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from teams.models import User

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")
# The test client's force_login has no second factor; the benchmark times the page, not sign-in
# (as the test suite, which runs with the requirement off).
os.environ.setdefault("IST_MFA_REQUIRED", "false")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

PARTICIPANTS = 40
WEEKS = 52
PER_WEEK = 4


def fill(participants: int = PARTICIPANTS) -> User:
    """The handledare, `participants` active enrolments in Arbetsförberedande, ~4 activities a week
    for a year."""
    from participants.models import Activity, ActivityKind, Attendance, Enrollment, Participant, Phase, PhasePeriod
    from teams.models import Membership, Team, User

    team = Team.objects.get(slug="halmstad-hylte")
    municipality = team.municipalities.first()
    handledare = User.objects.create_user("bench.handledare@ist.example", "bench-losenord-1", first_name="Bänk")
    coordinator = User.objects.create_user("bench.koordinator@ist.example", "bench-losenord-1", first_name="Koord")
    Membership.objects.create(user=handledare, team=team, role=Membership.Role.HANDLEDARE)
    Membership.objects.create(user=coordinator, team=team, role=Membership.Role.KOORDINATOR)
    today = timezone.localdate()
    start = today - timedelta(weeks=WEEKS)
    people = Participant.objects.bulk_create(
        Participant(
            personnummer=f"198500{i:06d}",  # month 00: invalid by construction, never a real person
            first_name="Deltagare",
            last_name=f"Nummer{i:02d}",
            municipality=municipality,
            sex=Participant.Sex.FEMALE if i % 2 else Participant.Sex.MALE,
            birth_year=1985,
        )
        for i in range(participants)
    )
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(
            participant=p,
            team=team,
            responsible=handledare,
            start_date=start,
            target_end=start + timedelta(days=540),
            created_by=coordinator,
        )
        for p in people
    )
    periods = []
    for e in enrollments:
        periods.append(
            PhasePeriod(
                enrollment=e, phase=Phase.PROVA_PA, start=start, end=start + timedelta(weeks=4), changed_by=coordinator
            )
        )
        periods.append(
            PhasePeriod(
                enrollment=e, phase=Phase.ARBETSFORBEREDANDE, start=start + timedelta(weeks=4), changed_by=coordinator
            )
        )
    PhasePeriod.objects.bulk_create(periods)
    kinds = [ActivityKind.PHYSICAL, ActivityKind.WORK_TRAINING, ActivityKind.KNOWLEDGE, ActivityKind.TALK]
    attendance = [Attendance.PRESENT, Attendance.PRESENT, Attendance.PRESENT, Attendance.EXCUSED]
    Activity.objects.bulk_create(
        (
            Activity(
                enrollment=e,
                kind_id=kinds[k],  # the four seeded kinds have their categories' codes
                date=min(today, start + timedelta(weeks=w, days=k)),
                attendance=attendance[(n + w + k) % 4],
                logged_by=handledare,
            )
            for n, e in enumerate(enrollments)
            for w in range(WEEKS + 1)
            for k in range(PER_WEEK)
        ),
        batch_size=2000,
    )
    return handledare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--rows", type=int, default=PARTICIPANTS, help="participants (rows) of the handledare")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of the last request")
    args = parser.parse_args()

    from participants.models import Activity

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        handledare = fill(args.rows)
        client = Client()
        client.force_login(handledare)
        print(f"{connection.vendor}: {Activity.objects.count()} activities, {args.rows} participants")
        response = client.get("/deltagare/vecka/")  # warm up: templates, content types, session
        if response.status_code != 200 or len(response.context["grid"]) != args.rows:
            where = response.get("Location", "")
            raise SystemExit(f"Min vecka answered {response.status_code} {where}; expected {args.rows} rows")
        times, cpu = [], []
        for _ in range(args.requests):
            with CaptureQueriesContext(connection) as queries:
                began, began_cpu = time.perf_counter(), time.process_time()
                response = client.get("/deltagare/vecka/")
                times.append((time.perf_counter() - began) * 1000)
                cpu.append((time.process_time() - began_cpu) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"Min vecka answered {response.status_code}")
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
        print(f"GET /deltagare/vecka/ × {args.requests}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")
        cpu.sort()
        cpu_p95 = cpu[min(len(cpu) - 1, round(0.95 * len(cpu)) - 1)]
        # CPU time of this process (Django's side, not PostgreSQL's): less sensitive to other load.
        print(f"CPU time of the request in Python: median {statistics.median(cpu):.1f} ms, p95 {cpu_p95:.1f} ms")
        print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"SQL queries per request: {len(queries)}; page size {len(response.content) // 1024} KiB")
        if args.show_queries:
            for query in queries.captured_queries:
                print(f"  {query['time']}s  {query['sql'][:150]}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
