"""`python manage.py rebuild_activity_rollup`: count every finished day into the activity rollup again.

After a data load that bypassed the services (a seeder, a restore, an edit in the admin site);
until it has run, Statistik counts the days it has not counted live, so the figures stay right.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reports import rollup


class Command(BaseCommand):
    help = "Räknar om dagssammanställningen av aktiviteter som Statistik läser."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--only-missing", action="store_true", help="räkna bara dagar som ändrats eller saknas")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["only_missing"]:
            self.stdout.write(f"{rollup.mark_all_dirty()} dag(ar) markerade för omräkning")
        result = rollup.refresh()
        self.stdout.write(f"{result['added']} ny(a) dag(ar), {result['counted']} dag(ar) räknade")
