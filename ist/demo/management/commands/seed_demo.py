"""`python manage.py seed_demo`: idempotent demo data for every role.

Each capability adds its own seeder to SEEDERS, in dependency order.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ist.notifications.demo import seed_notifications
from participants.demo import seed_participants
from participants.documents.demo import seed_documents
from referrals.demo import seed_referrals
from teams.demo import seed_organisation

# Reminders last: the worker computes them from everything seeded before.
SEEDERS = [seed_organisation, seed_referrals, seed_participants, seed_documents, seed_notifications]


class Command(BaseCommand):
    help = "Skapar demodata (idempotent): team, organisationer och användare i alla roller."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo accounts share a published password: never in production.
            raise CommandError("seed_demo körs bara med DEBUG=true.")
        for seeder in SEEDERS:
            result = seeder()
            self.stdout.write(f"{seeder.__name__}: {result}")
