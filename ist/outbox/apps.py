from __future__ import annotations

from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "ist.outbox"
    label = "outbox"
    verbose_name = "Utkorg"

    def ready(self) -> None:
        # The worker tells the outbox when a relayed task starts, retries, succeeds or fails.
        from ist.outbox import signals  # noqa: F401
