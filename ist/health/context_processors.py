from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from ist.health.worker import worker_status


def worker_alert(request: HttpRequest) -> dict[str, object]:
    """For administrators only, on every page: since when the worker has been silent (one query).

    Other users cannot act on it and their pages keep their query counts.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_administrator:
        return {}
    status = worker_status(now=timezone.now())
    return {"worker_silent_since": status.silent_since} if status.silent else {}
