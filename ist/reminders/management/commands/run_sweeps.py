"""`python manage.py run_sweeps`: every sweep once, synchronously, then (with --digest) the e-mails."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ist.reminders import digest, registry, sweeps


class Command(BaseCommand):
    help = "Kör alla påminnelsesvep en gång, synkront, och skriver vad de gjorde."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--area", choices=sorted(registry.areas()), help="bara ett område")
        parser.add_argument("--date", help="räkna som om det vore detta datum (YYYY-MM-DD), för kontroll")
        parser.add_argument("--digest", action="store_true", help="skicka också dagens e-postsammanfattningar")

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date ska vara YYYY-MM-DD") from exc
        areas = [options["area"]] if options["area"] else list(registry.areas())
        for area in areas:
            counts = sweeps.sweep(area, today)
            self.stdout.write(f"{area}: {sweeps.summary(counts)}")
        if options["digest"]:
            sent = sum(digest.send(pk) for pk in digest.prepare(today))
            self.stdout.write(f"digest: {sent} e-post skickade")
