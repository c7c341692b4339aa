"""Benchmark of the document download: the referrer fetches a stored, rendered handlingsplan.

    DEBUG=true .venv/bin/python bench/document_download.py [--requests 50]

Builds a throwaway test database (test_<name> for PostgreSQL), fills it with the demo seeders (which
render the demo documents' PDFs into a temporary MEDIA_ROOT), then times GET of the download URL
with Django's test client, reading the whole streamed file, and prints the median and p95 server
time and the number of SQL queries. The target is under 50 ms median. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

TARGET_MS = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    from ist.demo.management.commands.seed_demo import SEEDERS
    from participants.documents.models import Document, Download
    from teams.demo import demo_email
    from teams.models import User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            for seeder in SEEDERS:
                seeder()
            referrer = User.objects.get(email=demo_email("remittent.fk"))
            plan = Document.objects.filter(
                kind=Document.Kind.ACTION_PLAN, status=Document.Status.FINAL, enrollment__referral__referrer=referrer
            ).first()
            if plan is None:
                raise SystemExit("no rendered demo plan delivered to the demo referrer")
            url = reverse("participants:document_download", kwargs={"public_id": plan.public_id})
            client = Client()
            client.force_login(referrer)
            client.get(url).getvalue()  # warm up: templates, content types, session
            times = []
            for _ in range(args.requests):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url)
                    size = len(response.getvalue())
                    times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"the download answered {response.status_code}")
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
            median = statistics.median(times)
            print(f"{connection.vendor}: {plan.reference}, {size // 1024} KiB, {Download.objects.count()} downloads")
            print(f"GET {url} × {args.requests}: median {median:.1f} ms, p95 {p95:.1f} ms (target < {TARGET_MS} ms)")
            print(f"SQL queries per request: {len(queries)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
