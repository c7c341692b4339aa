"""`python manage.py seed_demo`: idempotent demo data for every role.

Each capability adds its own seeder to SEEDERS, in dependency order.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from teams.demo import seed_organisation

SEEDERS = [seed_organisation]


class Command(BaseCommand):
    help = "Skapar demodata (idempotent): team, organisationer och användare i alla roller."

    def handle(self, *args: Any, **options: Any) -> None:
        for seeder in SEEDERS:
            result = seeder()
            self.stdout.write(f"{seeder.__name__}: {result}")
