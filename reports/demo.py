"""Demo data for reports: the standard quarterly and half-year reports, built by the worker
(`seed_reports`), and `seed_demo --scale N`: N times the demo journeys, for the statistics benchmark.

The copies are made with bulk_create from the seeded demo (one INSERT per table and copy), so
twenty times the data takes seconds, not the minutes the services would. A copy's personnummer
has 21–39 in the month position: never a real date, never a clash with the demo's own people.
Idempotent: a copy that exists is not made again.
"""

from __future__ import annotations

from collections import defaultdict
from copy import copy
from typing import Any, TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from participants.models import Activity, Closure, Enrollment, FollowUp, Participant, PhasePeriod
from referrals.models import Referral

M = TypeVar("M", bound=Model)
BASE = r"^\d{4}(0[1-9]|1[0-2])"  # the demo's own people: a real month in the personnummer


def seed_reports() -> dict[str, int]:
    """Queue the report sweep through the outbox: the worker `make run` starts builds the
    last finished quarter's and half-year's reports for all teams and each team (idempotent)."""
    from ist.outbox.services import enqueue_task

    with transaction.atomic():
        enqueue_task(
            key=f"demo-report-sweep:{timezone.now():%Y%m%dT%H%M%S%f}", task="reports.tasks.sweep_reports_files"
        )
    return {"report_sweep_queued": 1}


def _pnr(original: str, copy_no: int, index: int) -> str:
    return f"{original[:4]}{20 + copy_no:02d}{index:06d}"


def _clone(obj: M, **fields: object) -> M:
    """An unsaved copy of `obj` with `fields` changed (a fresh state: no cached relations)."""
    clone = copy(obj)
    clone.pk = None  # the id: no model copied here has another primary key
    clone._state = type(obj._state)()
    for name, value in fields.items():
        setattr(clone, name, value)
    return clone


@transaction.atomic
def scale_demo(scale: int) -> dict[str, int]:
    """Make copies 1..scale-1 of the demo's enrolments with their phases, activities, closures and
    follow-ups, and of its received referrals. Returns how many copies were made."""
    base = list(Enrollment.objects.filter(participant__personnummer__regex=BASE).select_related("participant"))
    if not base:
        return {"copies_made": 0}
    ids = [e.pk for e in base]
    children: dict[type[Any], defaultdict[int, list[Any]]] = {}
    for model in (PhasePeriod, Activity, FollowUp):
        grouped: defaultdict[int, list[Any]] = defaultdict(list)
        for row in model.objects.filter(enrollment_id__in=ids):
            grouped[row.enrollment_id].append(row)
        children[model] = grouped
    closures = {c.enrollment_id: c for c in Closure.objects.filter(enrollment_id__in=ids)}
    referrals = list(Referral.objects.filter(personnummer__regex=BASE).exclude(status=Referral.Status.DRAFT))
    made = 0
    for copy_no in range(1, scale):
        prefix = rf"^\d{{4}}{20 + copy_no:02d}"
        if Participant.objects.filter(personnummer__regex=prefix).exists():
            continue
        people = Participant.objects.bulk_create(
            [
                _clone(e.participant, personnummer=_pnr(e.participant.personnummer, copy_no, i))
                for i, e in enumerate(base)
            ]
        )
        enrollments = Enrollment.objects.bulk_create(
            [
                _clone(e, participant_id=p.pk, referral_id=None, form_token=None)
                for e, p in zip(base, people, strict=True)
            ]
        )
        new_id = {old.pk: new.pk for old, new in zip(base, enrollments, strict=True)}
        for model, grouped in children.items():
            model.objects.bulk_create(
                [
                    _clone(
                        row,
                        enrollment_id=new_id[old],
                        **({"form_token": None, "group_session_id": None} if model is Activity else {}),
                    )
                    for old, rows in grouped.items()
                    for row in rows
                ],
                batch_size=5000,
            )
        Closure.objects.bulk_create([_clone(c, enrollment_id=new_id[old]) for old, c in closures.items()])
        Referral.objects.bulk_create(
            [
                _clone(r, personnummer=_pnr(r.personnummer or "000000", copy_no, i), form_token=None)
                for i, r in enumerate(referrals)
            ]
        )
        made += 1
    return {"copies_made": made, "enrollments": Enrollment.objects.count(), "activities": Activity.objects.count()}
