"""`python manage.py outbox_status`: the outbox backlog for an operator (also in /healthz)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ist.outbox.models import Message
from ist.outbox.services import backlog


class Command(BaseCommand):
    help = "Visar utkorgens kö: väntande, överlämnade och misslyckade meddelanden."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--failed", action="store_true", help="lista de misslyckade meddelandena")

    def handle(self, *args: Any, failed: bool = False, **options: Any) -> None:
        state = backlog()
        age = "-" if state.oldest_pending_age_s is None else f"{state.oldest_pending_age_s} s"
        self.stdout.write(f"pending: {state.pending} (oldest {age})")
        self.stdout.write(f"in flight: {state.in_flight}")
        self.stdout.write(f"failed: {state.failed}")
        if failed:
            for message in Message.objects.filter(status=Message.Status.FAILED).order_by("created_at")[:200]:
                self.stdout.write(
                    f"{message.pk}\t{message.created_at:%Y-%m-%d %H:%M}\t{message.key}\t{message.last_error}"
                )
