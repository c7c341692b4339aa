from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "ist.health"
    label = "health"
    verbose_name = "Drift"
