"""Build the quarterly or half-year report headless: for all teams and per team, PDF and XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reports import periodic
from teams.models import Team


class Command(BaseCommand):
    help = "Bygg kvartals- eller halvårsrapporten (PDF och XLSX) för alla team och per team."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--kind", required=True, choices=sorted(periodic.KINDS))
        parser.add_argument("--period", required=True, help="2026Q3 (kvartal) eller 2026H1 (halvår)")
        parser.add_argument("--out", required=True, type=Path, help="katalog att skriva filerna i")

    def handle(self, *args: Any, kind: str, period: str, out: Path, **options: Any) -> None:
        try:
            periodic.parse(kind, period)
        except ValueError as exc:
            raise CommandError(f"Perioden {period!r} passar inte till --kind {kind} (t.ex. 2026Q3, 2026H1).") from exc
        out.mkdir(parents=True, exist_ok=True)
        teams = Team.objects.filter(active=True).order_by("name")
        reports = [periodic.build(kind, period, teams)]
        reports += [periodic.build(kind, period, teams.filter(pk=t.pk), scope=t.name) for t in teams]
        for report in reports:
            for suffix, content in (("pdf", periodic.pdf(report).content), ("xlsx", periodic.xlsx(report))):
                path = out / f"{report.filename}.{suffix}"
                path.write_bytes(content)
                self.stdout.write(str(path))
