from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "ist.audit"
    label = "audit"
    verbose_name = "Loggkontroll"
