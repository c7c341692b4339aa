from __future__ import annotations

from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "ist.questionnaires"
    label = "questionnaires"
    verbose_name = "Enkäter"

    def ready(self) -> None:
        from ist.questionnaires import emails, reminders  # noqa: F401 - register the e-mail builder and the area
