from __future__ import annotations

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Statistik och rapporter"

    def ready(self) -> None:
        from reports import reminders  # noqa: F401 - registers the report deadlines' reminder area
