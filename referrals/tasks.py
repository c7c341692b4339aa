"""Celery entry points for referrals: adapters that take ids and call services."""

from __future__ import annotations

from celery import shared_task

from ist.pdf.storage import RENDER_TASK_OPTIONS
from referrals import letters


@shared_task(**RENDER_TASK_OPTIONS, soft_time_limit=120, time_limit=180)
def render_letter(letter_id: int) -> bool:
    return letters.letter_render(letter_id=letter_id)
