from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache

from django.http import HttpRequest
from django.utils import timezone

from ist.health.worker import worker_status


def worker_alert(request: HttpRequest) -> dict[str, Callable[[], datetime | None]]:
    """For administrators only: since when the worker has been silent, or None.

    A callable, which the template calls: one query on a page that shows the banner (base.html),
    none on an htmx fragment that does not. Other users cannot act on it and pay nothing.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_administrator:
        return {}

    @cache
    def silent_since() -> datetime | None:
        status = worker_status(now=timezone.now())
        return status.silent_since if status.silent else None

    return {"worker_silent_since": silent_since}
