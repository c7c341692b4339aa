from __future__ import annotations

from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "ist.retention"
    label = "retention"
    verbose_name = "Gallring"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from ist.retention import models

        # Who changed a rule, placed or released a spärr: the change history (the gallringslogg itself
        # holds counts only).
        auditlog.register(models.RetentionRule)
        auditlog.register(models.LegalHold)
