"""Stored periodic reports: asking for one, building it in a task, and the standard ones built when a
period has ended. A build renders the PDF (WeasyPrint, about a second) and the XLSX once and stores
both with their SHA-256; every download serves the stored bytes (docs/decisions/0012-stored-reports.md).
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from ist.outbox import services as outbox
from ist.pdf.storage import store
from reports import periodic
from reports.models import ReportFile
from teams.models import Team

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.core.files.storage import Storage

    from teams.models import User

log = logging.getLogger(__name__)
Status = ReportFile.Status
# Attempts at one build before the report is failed: the task's first run and its retries.
MAX_ATTEMPTS = 9


def teams_key(teams: Iterable[Team]) -> str:
    return ",".join(str(pk) for pk in sorted({team.pk for team in teams}))


def scope_name(teams: list[Team]) -> str:
    """ "Alla team" for every active team, else the teams' names."""
    if {t.pk for t in teams} == set(Team.objects.filter(active=True).values_list("pk", flat=True)):
        return periodic.ALL
    return ", ".join(t.name for t in sorted(teams, key=lambda t: t.name))


def recent_labels(today: date) -> dict[str, list[str]]:
    """The four last finished quarters and the two last finished half-years, newest first."""
    quarters, year, q = [], today.year, (today.month - 1) // 3 + 1
    for _ in range(4):
        year, q = (year, q - 1) if q > 1 else (year - 1, 4)
        quarters.append(f"{year}Q{q}")
    halves, year, h = [], today.year, 1 if today.month <= 6 else 2
    for _ in range(2):
        year, h = (year, h - 1) if h > 1 else (year - 1, 2)
        halves.append(f"{year}H{h}")
    return {ReportFile.Kind.QUARTERLY: quarters, ReportFile.Kind.HALFYEAR: halves}


def last_finished_labels(today: date) -> dict[str, str]:
    """The latest quarter and half-year that ended at least IST_REPORT_BUILD_AFTER_DAYS days ago
    (time for the last activities to be logged), e.g. {"quarterly": "2026Q3", "halfyear": "2026H1"}."""
    day = today - timedelta(days=settings.IST_REPORT_BUILD_AFTER_DAYS)
    return {kind: labels[0] for kind, labels in recent_labels(day).items()}


BUILD_TASK = "reports.tasks.build_report_file"


def build_queue(*, report_id: int, occasion: str) -> bool:
    """Record the build task in the outbox, in the current transaction (it runs after the commit, or
    when the broker is back); `occasion` tells a generation's first build from a sweep's later try."""
    return outbox.enqueue_task(key=f"build-report:{report_id}:{occasion}", task=BUILD_TASK, args=[report_id])


@transaction.atomic
def report_request(
    *, kind: str, label: str, teams: list[Team], by: User | None, seen_generation: int | None = None
) -> ReportFile:
    """Ask for the report of `teams` for a finished period; the build runs in a task.

    The first request creates the stored report and queues its build. `seen_generation` asks for a
    rebuild with today's data, of the build the user saw: a ready (or failed) report with that
    generation goes back to pending (a ready one's files stay downloadable until the new ones
    replace them). Idempotent: a second request while one is pending, or a rebuild based on an older
    generation (a double submit), changes nothing.
    Pre: `by` may see every team's aggregates (reports.scope.statistics_teams); ValueError if the
    kind and period do not match or the period has not ended; `teams` is not empty.
    """
    period = periodic.parse(kind, label)
    if period.end >= timezone.localdate():
        raise ValueError(f"{label} has not ended")  # its numbers are still changing every day
    if not teams:
        raise ValueError("no teams")
    now = timezone.now()
    report, created = ReportFile.objects.get_or_create(
        kind=kind,
        label=label.strip().upper(),
        teams_key=teams_key(teams),
        defaults={"scope": scope_name(teams), "requested_at": now, "requested_by": by, "queued_at": now},
    )
    if created:
        build_queue(report_id=report.pk, occasion=f"generation-{report.generation}")
    elif seen_generation is not None and _rebuild(report, by=by, generation=seen_generation):
        report.refresh_from_db()
    return report


def _rebuild(report: ReportFile, *, by: User | None, generation: int) -> bool:
    """A built (or failed) report of `generation` back to pending, its build queued; False if it
    has moved on (pending already, or rebuilt since)."""
    now = timezone.now()
    rebuilt = ReportFile.objects.filter(
        pk=report.pk, status__in=[Status.READY, Status.FAILED], generation=generation
    ).update(
        status=Status.PENDING,
        generation=F("generation") + 1,
        requested_at=now,
        requested_by=by,
        queued_at=now,
        build_attempts=0,
        build_error="",
    )
    if rebuilt:
        build_queue(report_id=report.pk, occasion=f"generation-{generation + 1}")
    return bool(rebuilt)


def _delete_files(storage: Storage, names: list[str]) -> None:
    """The previous build's files, once the new ones are committed (a rollback keeps them)."""
    for name in names:
        storage.delete(name)


def report_build(*, report_id: int) -> bool:
    """Build a pending report's PDF and XLSX from today's data, store them with their SHA-256 and make
    it ready. Safe to run twice and concurrently: the files are rendered outside any transaction
    (a second or so; on SQLite a transaction would hold the database's one write lock all that time),
    then the row is claimed with select_for_update(skip_locked=True) and stored only if it is still
    pending with the same generation, so only one build is kept. A failure is recorded on the row
    and raised, so the task retries; after MAX_ATTEMPTS the report is failed (the page offers a new
    try) and later retries find nothing to do."""
    report = ReportFile.objects.filter(pk=report_id, status=Status.PENDING).first()
    if report is None:
        return False  # already built (a redelivered task), or failed for good
    saved: list[str] = []
    try:
        teams = Team.objects.filter(pk__in=[int(pk) for pk in report.teams_key.split(",")]).order_by("name")
        built = periodic.build(report.kind, report.label, teams, scope=report.scope)
        pdf, xlsx = periodic.pdf(built), periodic.xlsx(built)
        with transaction.atomic():
            claimed = (
                ReportFile.objects.select_for_update(skip_locked=True)
                .filter(pk=report_id, status=Status.PENDING, generation=report.generation)
                .first()
            )
            if claimed is None:
                return False  # another worker stored it meanwhile, or is storing it now
            old = [f.name for f in (claimed.pdf, claimed.xlsx) if f]
            name = f"{built.filename}-{claimed.generation}"
            claimed.pdf_sha256 = store(claimed.pdf, f"{name}.pdf", pdf.content)
            saved.append(claimed.pdf.name)
            claimed.xlsx_sha256 = store(claimed.xlsx, f"{name}.xlsx", xlsx)
            saved.append(claimed.xlsx.name)
            claimed.status = Status.READY
            claimed.built_at = timezone.now()
            claimed.build_attempts += 1
            claimed.build_error = ""
            claimed.save(
                update_fields=[
                    "pdf",
                    "pdf_sha256",
                    "xlsx",
                    "xlsx_sha256",
                    "status",
                    "built_at",
                    "build_attempts",
                    "build_error",
                ]
            )
            transaction.on_commit(lambda: _delete_files(claimed.pdf.storage, old))
    except Exception as exc:
        _delete_files(report.pdf.storage, saved)  # written before the rollback: nothing refers to them
        ReportFile.objects.filter(pk=report_id, status=Status.PENDING).update(
            build_attempts=F("build_attempts") + 1, build_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        ReportFile.objects.filter(pk=report_id, status=Status.PENDING, build_attempts__gte=MAX_ATTEMPTS).update(
            status=Status.FAILED
        )
        log.exception("building report %s failed", report_id)
        raise
    log.info("built %s (%s)", claimed, claimed.pdf_sha256[:12])
    return True


def standard_reports_request(*, today: date) -> int:
    """The reports the steering group and the association need, ready before anyone asks: for the
    last finished quarter and half-year, all teams and each team, built no earlier than
    IST_REPORT_BUILD_AFTER_DAYS after the period's end. One asked for by hand sooner (with numbers
    still to be logged) is rebuilt once. Idempotent (report_request); returns how many were asked for
    or rebuilt now."""
    teams = list(Team.objects.filter(active=True).order_by("name"))
    if not teams:
        return 0
    scopes = {teams_key(s): s for s in [teams, *([team] for team in teams)]}
    labels = last_finished_labels(today)
    existing = {
        (r.kind, r.label, r.teams_key): r
        for r in ReportFile.objects.filter(
            kind__in=list(labels), label__in=list(labels.values()), teams_key__in=list(scopes)
        )
    }
    made = 0
    for kind, label in labels.items():
        settled = periodic.parse(kind, label).end + timedelta(days=settings.IST_REPORT_BUILD_AFTER_DAYS)
        for key, scope in scopes.items():
            report = existing.get((kind, label, key))
            if report is None:
                report_request(kind=kind, label=label, teams=scope, by=None)
                made += 1
            elif report.status == Status.READY and timezone.localtime(report.built_at).date() < settled:
                made += _rebuild(report, by=None, generation=report.generation)
    return made
