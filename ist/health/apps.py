from __future__ import annotations

from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "ist.health"
    label = "health"
    verbose_name = "Drift"

    def ready(self) -> None:
        from ist.health import (
            deploy_checks,  # noqa: F401 - registers the checks
            worker,  # noqa: F401 - notes when this process started
        )
