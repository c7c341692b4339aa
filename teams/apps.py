from __future__ import annotations

from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Organisation"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ist.audit.subjects import register_person_finder
        from teams.models import Membership, User
        from teams.selectors import user_subjects_matching

        # Change history of personal data; secrets and login bookkeeping excluded.
        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Membership)
        register_person_finder(user_subjects_matching)
