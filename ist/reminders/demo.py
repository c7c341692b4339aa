"""Demo reminders: the real worker computes them. This seeder queues every sweep and the digest
through the outbox; the worker `make run` starts picks them up, and beat keeps them current from then
on. (What the other demo data lacks for a reminder of every role is seeded by its app, e.g.
`referrals.demo.seed_meeting_tomorrow`.)"""

from __future__ import annotations

from django.utils import timezone

from ist.outbox.services import enqueue_task


def seed_reminders() -> dict[str, int]:
    enqueue_task(
        key=f"demo-sweeps:{timezone.now():%Y%m%dT%H%M%S%f}", task="ist.reminders.tasks.sweep_everything_then_digest"
    )
    return {"sweeps_queued": 1}
