"""`python manage.py demo_totp`: the demo accounts' current authenticator-app code (demo only)."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ist.login.demo import DEMO_TOTP_SECRET, demo_code


class Command(BaseCommand):
    help = "Visar demokontonas aktuella kod för tvåstegsverifiering (bara demo, DEBUG=true)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp körs bara med DEBUG=true: demonyckeln är publicerad.")
        now = time.time()
        left = 30 - int(now) % 30
        self.stdout.write(f"Kod nu: {demo_code(now)} (gäller {left} s till), nästa: {demo_code(now + 30)}")
        self.stdout.write(f"Demonyckel för en autentiseringsapp: {DEMO_TOTP_SECRET}")
