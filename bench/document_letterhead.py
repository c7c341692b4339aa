"""Benchmark of the documents with a letterhead and the referrer's "Dokument" inbox.

    DEBUG=true IST_MFA_REQUIRED=false .venv/bin/python bench/document_letterhead.py [--renders 5] [--requests 20]

Builds a throwaway test database (test_<name> for PostgreSQL), fills it with the demo seeders (the
letterhead with its logo, the teams' addresses, rendered documents in a temporary MEDIA_ROOT), then
renders one document of each kind `--renders` times as the task does and times GET of "Dokument" as
the demo referrer. Prints medians, sizes and the inbox's SQL queries. Results go in docs/performance.md.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()

    from ist.demo.management.commands.seed_demo import SEEDERS
    from ist.pdf.rendering import render_pdf
    from participants.documents import printing
    from participants.documents.models import Document
    from teams.demo import demo_email
    from teams.models import User

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with tempfile.TemporaryDirectory() as media, override_settings(MEDIA_ROOT=media):
            for seeder in SEEDERS:
                seeder()
            for kind in Document.Kind.values:
                document = Document.objects.exclude(status=Document.Status.DRAFT).filter(kind=kind).first()
                if document is None:
                    raise SystemExit(f"no finalised demo document of kind {kind}")
                times = []
                for _ in range(args.renders):
                    began = time.perf_counter()
                    rendered = render_pdf(printing.template_for(document), printing.context_for(document))
                    times.append((time.perf_counter() - began) * 1000)
                size = len(rendered.content) // 1024
                print(f"render {document.reference}: median {statistics.median(times):.0f} ms, {size} KiB")
            client = Client()
            client.force_login(User.objects.get(email=demo_email("remittent.fk")))
            url = reverse("participants:document_inbox")
            client.get(url)  # warm up: templates, content types, session
            times = []
            for _ in range(args.requests):
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    raise SystemExit(f"the inbox answered {response.status_code}")
            rows = response.content.decode().count("<tr") - 1
            print(f"GET {url} × {args.requests}: median {statistics.median(times):.1f} ms, {rows} rows")
            print(f"SQL queries per request: {len(queries)}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


if __name__ == "__main__":
    main()
