"""Gallring: the run, spärrar, registerutdrag requests.

`retention_run` applies every active rule in bounded batches, one transaction each: the due rows
of a batch are locked with SKIP LOCKED and checked again under the lock, so two runs at once share
the work and never do a row twice; a second run finds nothing due. Each batch writes its counts to
the gallringslogg in the same transaction and removes its files after the commit.
"""

from __future__ import annotations

import functools
import logging
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ist.outbox import services as outbox
from ist.retention import files
from ist.retention.kinds import PARTS, Part, cutoff_for, held_numbers
from ist.retention.models import LegalHold, RegisterExtract, RetentionLogLine, RetentionRule, RetentionRun

if TYPE_CHECKING:
    from datetime import date

    from ist.retention.anonymise import Outcome
    from teams.models import User

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviewLine:
    rule: RetentionRule
    record: str
    action: str
    count: int
    cutoff: date


def preview(*, today: date | None = None) -> list[PreviewLine]:
    """What each rule would remove if it ran now, per rule and kind of row (counts only), for the
    rules switched off too: an administrator sees what turning one on would do before doing it
    (`line.rule.active` says whether the next run applies it). One COUNT per part, a fixed number
    of queries whatever the data."""
    today = today or timezone.localdate()
    held = held_numbers()
    lines = []
    for rule in RetentionRule.objects.all():
        cutoff = cutoff_for(rule, today)
        for part in PARTS[rule.kind]:
            count = part.due(rule, cutoff, held).count()
            lines.append(PreviewLine(rule=rule, record=part.record, action=part.action, count=count, cutoff=cutoff))
    return lines


def _log(run: RetentionRun, rule: RetentionRule, cutoff: date, outcome: Outcome) -> None:
    for (record, action), n in outcome.counts.items():
        line, _created = RetentionLogLine.objects.get_or_create(
            run=run, rule=rule.kind, record=record, action=action, defaults={"months": rule.months, "cutoff": cutoff}
        )
        RetentionLogLine.objects.filter(pk=line.pk).update(count=F("count") + n)


def _apply_part(*, run: RetentionRun, rule: RetentionRule, part: Part, cutoff: date, batch: int) -> None:
    size = batch * part.batch_factor
    while True:
        with transaction.atomic():
            # Held numbers are read in the batch's transaction: a spärr placed during a run counts.
            held = held_numbers()
            due = part.due(rule, cutoff, held)
            ids = list(due.order_by("pk").values_list("pk", flat=True)[:size])
            if not ids:
                return
            locked = list(
                part.model._default_manager.filter(pk__in=ids)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)
            )
            # Under the lock, again: another run may have done these rows a moment ago.
            mine = list(part.due(rule, cutoff, held).filter(pk__in=locked).values_list("pk", flat=True))
            if not mine:
                return  # the rest is locked by another run, which does it
            outcome = part.apply(mine, timezone.now())
            _log(run, rule, cutoff, outcome)
            names = list(outcome.files)
            transaction.on_commit(functools.partial(files.delete_stored, names))
        if len(ids) < size:
            return


def retention_run(*, today: date | None = None, trigger: str = RetentionRun.Trigger.SCHEDULE) -> RetentionRun:
    """Apply every active rule once (a rule is off until an administrator turns it on, so a fresh
    database removes nothing: docs/decisions/0018-retention.md). Idempotent: what was done is no
    longer due. A failure in one rule is logged and recorded on the run (its committed batches stay
    done and logged), and the other rules still run; the exception is raised at the end so the task
    reports it."""
    today = today or timezone.localdate()
    batch = settings.IST_RETENTION_BATCH_SIZE
    run = RetentionRun.objects.create(started_at=timezone.now(), trigger=trigger)
    failed: Exception | None = None
    for rule in RetentionRule.objects.filter(active=True):
        cutoff = cutoff_for(rule, today)
        for part in PARTS[rule.kind]:
            try:
                _apply_part(run=run, rule=rule, part=part, cutoff=cutoff, batch=batch)
            except Exception as exc:  # one rule's failure must not stop the others
                log.exception("gallring: rule %s (%s) failed", rule.kind, part.record)
                failed = failed or exc
    run.finished_at = timezone.now()
    run.error = type(failed).__name__ if failed else ""
    run.save(update_fields=["finished_at", "error"])
    total = sum(run.lines.values_list("count", flat=True))
    log.info("gallring %s: %d record(s) removed or anonymised", run.pk, total)
    if failed:
        raise failed
    return run


# -- Spärrar --------------------------------------------------------------------------------------


@transaction.atomic
def hold_place(*, personnummer: str, reason: str, by: User) -> tuple[LegalHold, bool]:
    """Place a spärr on a person (a validated 12-digit personnummer). Placing it twice keeps the
    first (and says so)."""
    hold, created = LegalHold.objects.get_or_create(
        personnummer=personnummer, defaults={"reason": reason, "placed_by": by}
    )
    return hold, created


@transaction.atomic
def hold_release(*, hold_id: int, by: User) -> bool:
    """Release a spärr; releasing one already released changes nothing. The change history records
    who released it (the actor of the request)."""
    hold = LegalHold.objects.select_for_update().filter(pk=hold_id).first()
    if hold is None:
        return False
    hold.delete()
    return True


# -- Registerutdrag -------------------------------------------------------------------------------


def extract_request(*, personnummer: str, reason: str, by: User, form_token: uuid.UUID | None) -> RegisterExtract:
    """Order a registerutdrag; the worker builds it. A double submit (same form token) orders once."""

    if form_token is not None:
        existing = RegisterExtract.objects.filter(form_token=form_token).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            extract = RegisterExtract.objects.create(
                personnummer=personnummer, reason=reason, requested_by=by, form_token=form_token
            )
            outbox.enqueue_task(
                key=f"register-extract:{extract.pk}",
                task="ist.retention.tasks.build_register_extract",
                args=[extract.pk],
            )
    except IntegrityError:
        # The same form submitted twice at once: the other request made it.
        return RegisterExtract.objects.get(form_token=form_token)
    return extract


def extract_downloaded(*, extract: RegisterExtract) -> None:
    """Record a delivery: the first download's time and the number of downloads."""
    now = timezone.now()
    RegisterExtract.objects.filter(pk=extract.pk, first_downloaded_at__isnull=True).update(first_downloaded_at=now)
    RegisterExtract.objects.filter(pk=extract.pk).update(download_count=F("download_count") + 1)
