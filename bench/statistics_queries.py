"""Where Statistik's time goes on the national data set: every query of `with_previous` timed, and its figures.

    DATABASE_URL=postgres://…/ist_national_data DEBUG=true .venv/bin/python bench/statistics_queries.py
        [--runs 3] [--dump figures.json] [--explain]

All active teams, the last 365 days and the 365 before (what GET /statistik/ shows the steering group).
Prints, per run, the total wall and CPU time and each query's time, largest first. `--dump` writes every
table and measure of both periods as JSON, so two checkouts' figures can be compared exactly (`cmp`);
`--explain` prints `EXPLAIN (ANALYZE, BUFFERS)` of the five slowest queries. Reads only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    from reports.statistics import Period, with_previous
    from teams.models import Team

    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", help="write both periods' figures as JSON to this file")
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()

    today = timezone.localdate()
    period = Period(today - timedelta(days=365), today)
    teams = Team.objects.filter(active=True)
    for run in range(args.runs):
        cpu, wall = time.process_time(), time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            now, then, _before = with_previous(teams, period)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        sql_s = sum(float(q["time"]) for q in captured.captured_queries)
        print(
            f"run {run + 1}: {wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU (Python), "
            f"{len(captured)} queries, {sql_s * 1000:.0f} ms in SQL"
        )
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
    for query in slowest:
        print(f"  {float(query['time']) * 1000:7.0f} ms  {query['sql'][:150]}")
    if args.explain:
        with connection.cursor() as cursor:
            for query in slowest[:5]:
                with transaction.atomic():
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    print("\n".join(row[0] for row in cursor.fetchall()), "\n")
    if args.dump:
        figures = {"now": [asdict(s) for s in now], "then": [asdict(s) for s in then]}
        Path(args.dump).write_text(json.dumps(figures, indent=1, default=str, sort_keys=True))


if __name__ == "__main__":
    main()
