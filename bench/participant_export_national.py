"""The participant-level export at national scale: one year, every team, streamed.

    DATABASE_URL=postgres://…/ist_national_data .venv/bin/python bench/participant_export_national.py [--days 365]

Posts the export form as the demo administrator (second factor verified, as bench/national.py) with
Django's test client, reads the streamed CSV to the end and prints its rows, the time, and the peak
resident memory of this whole process (Django included; target ≤ 200 MiB). Each run logs every
exported enrolment in the access log, as in production.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()

    from auditlog.models import LogEntry

    from bench.national import login
    from teams.demo import demo_email

    setup_test_environment()
    client = login(demo_email("admin"))
    today = timezone.localdate()
    form = {
        "fran": f"{today - timedelta(days=args.days):%Y-%m-%d}",
        "till": f"{today:%Y-%m-%d}",
        "reason": "Prestandamätning av exporten (bench)",
    }
    before_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    logged_before = LogEntry.objects.filter(additional_data__what=f"deltagarexport: {form['reason']}").count()
    began = time.perf_counter()
    response = client.post("/statistik/deltagarexport/", form)
    lines = size = 0
    for chunk in response:  # the streamed body, chunk by chunk
        lines += chunk.count(b"\n")
        size += len(chunk)
    elapsed = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    logged = LogEntry.objects.filter(additional_data__what=f"deltagarexport: {form['reason']}").count() - logged_before
    print(
        f"export {form['fran']}–{form['till']}: {lines - 1:,} rows, {size / 1024 / 1024:.1f} MiB CSV, "
        f"{elapsed:.1f} s; {logged:,} log rows; peak RSS {peak:.0f} MiB (before the export {before_rss:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
