"""Benchmark of every main page on the national data set (issue 16), each beside its floor view.

    .venv/bin/python manage.py seed_demo --national          # once: builds the data set (see below)
    DATABASE_URL=postgres://…/ist_national_data .venv/bin/python bench/national.py [--requests 30]
        [--only log,extract] [--throughput-seconds 20] [--workers 3 --threads 4] [--no-throughput]
        [--person 198500035500]

Runs against the database DATABASE_URL names (not a throwaway one: the data set takes minutes to
build), which must hold the national data set. For each page it times, interleaved, the page and its
floor view (bench/floor.py: the same middleware, the page's one essential query, a trivial template)
with Django's test client, and prints median and p95 server time, the page's SQL queries and size, and
the ratio of the medians. Then mixed read throughput: gunicorn serving the application, N client
threads cycling through the pages for a while, then through the floor views for as long; requests per
second of each and their ratio. Every page's reads are access-logged as in production, so each run
adds some rows to the log. Results go in docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")
# Production settings, as issue 16 measures: DEBUG=false (no debug cursor recording every query's
# text, templates without debug information, static files from the collected manifest). SECURE=false
# only because the test client and the throughput clients speak plain HTTP to the server.
os.environ |= {
    "DEBUG": "false",
    "SECURE": "false",
    "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-only-never-used-to-serve",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
}

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from ist.heap import settle  # noqa: E402

if TYPE_CHECKING:
    from participants.documents.models import Document

P95_TARGET_MS = 150
FLOOR_RATIO_TARGET = 2.0


@dataclass(frozen=True)
class Page:
    name: str
    user: str  # e-mail
    url: str
    floor: str  # floor view name and query string
    target_ms: float = P95_TARGET_MS


def pages(person: str = "") -> list[Page]:
    """The main pages and who opens them, on the national data set; `person` (a personnummer) fixes
    whom the log pages search, for a before/after pair on the same extract (--person)."""
    from participants.documents.models import Document
    from participants.models import Enrollment
    from teams.demo import demo_email

    coordinator = "nat-001.koordinator@ist.example"
    team_one = Enrollment.objects.filter(team__slug="nat-001", status="active").order_by("pk")
    enrollment = team_one.select_related("participant").first()
    if enrollment is None:
        raise SystemExit("no national data set here: run `manage.py seed_demo --national` first")
    # The log pages search for a person picked at random each run, never the participant page's:
    # every request of that page logs a read of its person, and every search or extract logs one of
    # the person searched (record_log_review), so one fixed person's log would grow with every run
    # (its throughput part above all) and the next run's search and extract with it.
    others = list(team_one.exclude(pk=enrollment.pk).values_list("participant__personnummer", flat=True))
    searched = person or random.choice(others)  # noqa: S311 - which person to search, not a secret
    person = f"pnr:{searched}"
    today = timezone.localdate()
    year = f"fran={today - timedelta(days=365):%Y-%m-%d}&till={today:%Y-%m-%d}"
    plan = Document.objects.filter(
        kind=Document.Kind.ACTION_PLAN,
        status=Document.Status.FINAL,
        enrollment__referral__referrer__email=demo_email("remittent.fk"),
    ).first()
    found = [
        Page("Inkommande remisser (triage)", coordinator, "/remisser/inkommande/", "triage"),
        Page("Min vecka, 40 rader", "nat-001.handledare01@ist.example", "/deltagare/vecka/", "week"),
        Page("Min vecka, 160 rader", "nat-001.handledare02@ist.example", "/deltagare/vecka/", "week"),
        Page("Deltagarsida", coordinator, f"/deltagare/{enrollment.pk}/", f"participant?pk={enrollment.pk}"),
        Page("Loggkontroll, koordinator", coordinator, "/logg/", "log"),
        Page("Loggkontroll, administratör", demo_email("admin"), "/logg/", "log"),
        Page(
            "Loggkontroll, per person",
            coordinator,
            f"/logg/?person={searched}",
            f"log_person?person={person}",
        ),
        Page("Loggutdrag (CSV)", coordinator, f"/logg/utdrag/?person={person}", f"extract?person={person}"),
        Page("Att göra", "nat-001.handledare01@ist.example", "/att-gora/", "inbox"),
        Page("Översikt", coordinator, "/oversikt/", "dashboard"),
        Page("Statistik, alla team, ett år", demo_email("styrgrupp"), f"/statistik/?{year}", "statistics", 1000),
    ]
    if plan is not None:
        stored_pdf(plan)
        found.append(
            Page(
                "Dokument (PDF)",
                demo_email("remittent.fk"),
                f"/deltagare/dokument/{plan.public_id}/pdf/",
                f"document?id={plan.public_id}",
            )
        )
    return found


def stored_pdf(plan: Document) -> None:
    """The plan's PDF in this checkout's MEDIA_ROOT: the seeder wrote it into the media of the
    checkout it ran in (var/media is not shared between worktrees). If it is missing or not the
    recorded bytes, render it again as the seeder did (the same template and context, stored with
    its digest), so the download measures serving a stored file, not a 404."""
    from ist.pdf.rendering import render_pdf
    from ist.pdf.storage import store, stored_sha256
    from participants.documents import printing

    try:
        if plan.pdf and stored_sha256(plan.pdf) == plan.sha256:
            return
    except FileNotFoundError:
        pass
    rendered = render_pdf(printing.template_for(plan), printing.context_for(plan))
    plan.sha256 = store(plan.pdf, f"{plan.public_id}-v{plan.version}.pdf", rendered.content)
    plan.save(update_fields=["pdf", "sha256"])
    print(f"(rendered {plan.reference} into {settings.MEDIA_ROOT}: its file was not in this checkout)")


def login(email: str) -> Client:
    """A client signed in as `email` with a verified second factor, as after a real sign-in (the demo
    app's TOTP device: seed_demo_totp gives one to every demo account, the national ones included)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from teams.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def _get(client: Client, url: str) -> tuple[float, int, int]:
    """(ms, status, bytes) of one GET, reading a streamed body to the end. Nothing counts queries
    while it is timed: Django's CaptureQueriesContext switches on the debug cursor, which records
    every query's text, a cost no production request pays. `_queries` counts them on a request of
    its own."""
    began = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response) if response.streaming else len(response.content)
    return (time.perf_counter() - began) * 1000, response.status_code, size


def _queries(client: Client, url: str) -> int:
    """The page's SQL statements as the tests count them (BEGIN and COMMIT included)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            for _chunk in response:
                pass
    return len(queries)


def _p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def measure(page: Page, requests: int) -> dict[str, object]:
    client = login(page.user)
    name, _, query = page.floor.partition("?")
    floor_url = f"/bench-floor/{name}/" + (f"?{query}" if query else "")
    for url in (page.url, floor_url):  # warm up: templates, content types, session
        _ms, status, _size = _get(client, url)
        if status != 200:
            raise SystemExit(f"{page.name}: {url} answered {status}")
    settle()  # as a gunicorn worker does once it has loaded the application (gunicorn.conf.py)
    times, floors = [], []
    for _ in range(requests):
        ms, _status, size = _get(client, page.url)
        times.append(ms)
        floors.append(_get(client, floor_url)[0])
    queries = _queries(client, page.url)
    median, floor = statistics.median(times), statistics.median(floors)
    return {
        "page": page.name,
        "median": median,
        "p95": _p95(times),
        "queries": queries,
        "kib": size / 1024,
        "floor": floor,
        "ratio": median / floor,
        "ok": _p95(times) <= page.target_ms and median / floor <= FLOOR_RATIO_TARGET,
        "target": page.target_ms,
    }


def table(rows: list[dict[str, object]]) -> str:
    lines = [
        "| page | median ms | p95 ms | SQL | KiB | floor median ms | ratio | target met |",
        "|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r['page']} | {r['median']:.0f} | {r['p95']:.0f} | {r['queries']} | {r['kib']:.0f} | "
        f"{r['floor']:.0f} | {r['ratio']:.1f}× | {'yes' if r['ok'] else 'no'} (p95 ≤ {r['target']:.0f}, ≤ 2×) |"
        for r in rows
    ]
    return "\n".join(lines)


def _session_cookies(found: list[Page]) -> dict[str, str]:
    cookies = {}
    for email in {p.user for p in found}:
        client = login(email)
        cookies[email] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def _hammer(port: int, targets: list[tuple[str, str]], seconds: float, threads: int) -> tuple[int, int]:
    """Requests completed (status 200) and failed by `threads` clients cycling through `targets`."""
    done, failed = [0], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def run(offset: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        n = offset
        while time.monotonic() < stop:
            url, cookie = targets[n % len(targets)]
            n += 1
            try:
                conn.request("GET", url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"})
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                ok = False
            with lock:
                if ok:
                    done[0] += 1
                else:
                    failed[0] += 1
        conn.close()

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return done[0], failed[0]


def throughput(found: list[Page], args: argparse.Namespace) -> None:
    cookies = _session_cookies(found)
    port = args.port
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "bench.floor_wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--log-level",
        "warning",
    ]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(command, cwd=ROOT, env=env)  # noqa: S603 - our own command line
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=2).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.3)
        # The statistics page is left out of the mix (seconds, not a read a user repeats); so is the
        # PDF (a file, not a page).
        mix = [p for p in found if p.target_ms == P95_TARGET_MS and "PDF" not in p.name]
        page_targets = [(p.url, cookies[p.user]) for p in mix]
        floor_targets = []
        for p in mix:
            name, _, query = p.floor.partition("?")
            floor_targets.append((f"/bench-floor/{name}/" + (f"?{query}" if query else ""), cookies[p.user]))
        _hammer(port, page_targets + floor_targets, 5, args.clients)  # warm every worker
        pages_done, pages_failed = _hammer(port, page_targets, args.throughput_seconds, args.clients)
        floors_done, floors_failed = _hammer(port, floor_targets, args.throughput_seconds, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    page_rate = pages_done / args.throughput_seconds
    floor_rate = floors_done / args.throughput_seconds
    print(
        f"\nMixed read throughput, gunicorn --workers {args.workers} --threads {args.threads}, "
        f"{args.clients} clients, {args.throughput_seconds:.0f} s each, {len(page_targets)} pages:"
    )
    print(f"  pages {page_rate:.1f} req/s ({pages_failed} failed)")
    print(f"  floor views {floor_rate:.1f} req/s ({floors_failed} failed)")
    print(f"  ratio {page_rate / floor_rate:.2f} (target ≥ 0.8)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only", default="", help="comma-separated words: pages whose name contains one")
    parser.add_argument("--no-throughput", action="store_true")
    parser.add_argument("--no-pages", action="store_true", help="throughput only")
    parser.add_argument("--throughput-seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--person", default="", help="the personnummer the log pages search (default: one at random)")
    args = parser.parse_args()

    from ist.login.demo import seed_demo_totp
    from participants.models import Activity, Enrollment

    seed_demo_totp()  # idempotent: the national accounts' second factor, if the seeder predates it
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG=false serves from
    setup_test_environment()  # the test client's host; the database is the real one
    print(
        f"{connection.vendor} {connection.settings_dict['NAME']}, DEBUG={settings.DEBUG}: "
        f"{Enrollment.objects.count():,} enrolments, {Activity.objects.count():,} activities "
        f"(load average {os.getloadavg()[0]:.1f})"
    )
    found = pages(args.person)
    if args.only:
        words = [w.lower() for w in args.only.split(",")]
        found = [p for p in found if any(w in p.name.lower() for w in words)]
    rows = []
    with override_settings(ROOT_URLCONF="bench.floor_urls"):
        for page in [] if args.no_pages else found:
            row = measure(page, args.requests)
            rows.append(row)
            print(
                f"{row['page']}: median {row['median']:.0f} ms, p95 {row['p95']:.0f} ms, {row['queries']} SQL, "
                f"floor {row['floor']:.0f} ms, {row['ratio']:.1f}×",
                flush=True,
            )
    if rows:
        print()
        print(table(rows))
        print(f"(load average after: {os.getloadavg()[0]:.1f})")
    if not args.no_throughput:
        throughput(found, args)


if __name__ == "__main__":
    main()
