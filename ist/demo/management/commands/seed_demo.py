"""`python manage.py seed_demo`: idempotent demo data for every role.

Each capability adds its own seeder to SEEDERS, in dependency order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ist.login.demo import seed_demo_totp
from ist.questionnaires.demo import seed_questionnaires
from ist.reminders.demo import seed_reminders
from ist.retention.demo import seed_retention
from participants.demo import seed_agendas, seed_groups, seed_participants, seed_privacy
from participants.demo_history import seed_returning
from participants.documents.demo import seed_documents
from referrals.demo import seed_decision_dates, seed_letters, seed_meeting_tomorrow, seed_referrals
from reports.demo import seed_reports
from teams.demo import seed_letterhead, seed_organisation

# Reminders last: the worker computes them from everything seeded before. Each is called without
# arguments (some take keyword-only options, e.g. the teams to seed) and returns what it made.
SEEDERS: list[Callable[[], object]] = [
    seed_organisation,
    seed_letterhead,
    seed_demo_totp,
    seed_referrals,
    seed_participants,
    seed_returning,  # a returning person's two stays (issue 18, decision 0031)
    seed_decision_dates,  # after both demos that decide referrals (issue 17)
    seed_agendas,  # enrolments on the samverkansteam's agendas, approved minutes (issue 18)
    seed_documents,
    seed_privacy,
    seed_groups,  # after the protected person is chosen (issue 19.4)
    seed_retention,
    seed_questionnaires,  # issue 20: answers over a year, self-assessments with progression
    seed_reports,
    seed_meeting_tomorrow,
    seed_letters,  # after every seeder that books information meetings (issue 18)
    seed_reminders,
]


class Command(BaseCommand):
    help = "Skapar demodata (idempotent): team, organisationer och användare i alla roller."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--scale",
            type=float,
            default=None,
            help="N gånger demons deltagare och remisser (heltal); med --national andelen av den nationella "
            "datamängden (0 < S <= 1, standard 1)",
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="den nationella datamängden för prestandamätning (100 team, 50 000 inskrivningar, 20 M loggrader); "
            "bara PostgreSQL, aldrig i en databas med riktiga uppgifter",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            # Demo accounts share a published password: never in production.
            raise CommandError("seed_demo körs bara med DEBUG=true.")
        scale = options["scale"]
        if options["national"]:
            from ist.demo import national  # only the benchmark needs it

            # Refuse before anything is written, the demo seeders included.
            if reason := national.refusal():
                raise CommandError(reason)
        elif scale is not None and (scale < 1 or scale != int(scale)):
            raise CommandError("--scale är ett heltal från 1 (utan --national).")
        for seeder in SEEDERS:
            result = seeder()
            self.stdout.write(f"{seeder.__name__}: {result}")
        if options["national"]:
            try:
                counts = national.seed_national(scale=1.0 if scale is None else scale, progress=self.stdout.write)
            except national.RefusedError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(f"seed_national: {counts}")
        elif scale is not None and scale > 1:
            from reports.demo import scale_demo  # only the benchmark needs it

            self.stdout.write(f"scale_demo: {scale_demo(int(scale))}")
