from __future__ import annotations

from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.http import HttpRequest

from ist.audit.recording import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """auditlog's middleware with our address rule: it would otherwise trust the
    first X-Forwarded-For entry, which any client can forge (and which breaks
    PostgreSQL inserts when it is not an address)."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None
