from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Reminders ("Att göra" and the daily digest). The package is `ist.reminders`; the app label
    stays "notifications", the name it had when its tables and migrations were made, so nothing in
    the database moves (docs/decisions/0022)."""

    name = "ist.reminders"
    label = "notifications"
    verbose_name = "Påminnelser"

    def ready(self) -> None:
        from ist.reminders import emails  # noqa: F401  (registers the e-mail of an item sent at once)
