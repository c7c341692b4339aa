"""Run gallring once now (the nightly task does the same): what is due by the rules is removed."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ist.retention import services
from ist.retention.models import RetentionRun


class Command(BaseCommand):
    help = "Gallrar nu enligt gallringsreglerna och skriver gallringsloggen (samma som nattens körning)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--preview", action="store_true", help="visa bara vad som skulle gallras")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["preview"]:
            for line in services.preview():
                state = "på" if line.rule.active else "av (gallras inte)"
                self.stdout.write(f"{line.rule.kind}\t{state}\t{line.record}\t{line.action}\t{line.count}")
            return
        run = services.retention_run(trigger=RetentionRun.Trigger.COMMAND)
        for logged in run.lines.order_by("pk"):
            self.stdout.write(f"{logged.rule}\t{logged.record}\t{logged.action}\t{logged.count}")
        self.stdout.write(f"Gallring {run.pk} klar.")
