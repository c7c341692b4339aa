"""List (and with --delete remove) stored files that no row references."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ist.retention import files


class Command(BaseCommand):
    help = (
        "Listar filer i lagringen (MEDIA_ROOT) som ingen post hänvisar till, med --delete tas de bort. "
        "Går igenom varje filfält i varje modell."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--delete", action="store_true", help="ta bort filerna som listas")
        parser.add_argument(
            "--min-age-hours",
            type=int,
            default=24,
            help=(
                "bara filer äldre än så (standard 24): en nyss skriven fil kan höra till en uppgift "
                "som sparar sin post strax"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["min_age_hours"] < 0:
            raise CommandError("--min-age-hours kan inte vara negativt.")
        found = files.orphans(min_age=timedelta(hours=options["min_age_hours"]))
        for orphan in found:
            self.stdout.write(f"{orphan.name}\t{orphan.size}\t{orphan.modified:%Y-%m-%d %H:%M}")
        total = sum(orphan.size for orphan in found)
        if options["delete"]:
            removed = files.delete_stored(orphan.name for orphan in found)
            self.stdout.write(f"{removed} fil(er) utan post borttagna ({total} byte).")
        else:
            self.stdout.write(f"{len(found)} fil(er) utan post ({total} byte). Kör med --delete för att ta bort dem.")
