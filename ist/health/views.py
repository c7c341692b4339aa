from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ist.health.checks import broker_ok, database_ok
from ist.health.worker import worker_status


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer and the worker is not silent, 503 otherwise.

    For monitoring and alerting, not for restarting web: a silent worker is not cured by a new
    web process (docs/operations.md, "When the worker is down").
    """
    body: dict[str, object] = {"database": "ok" if database_ok() else "fail", "broker": "ok" if broker_ok() else "fail"}
    if body["database"] == "ok":
        now = timezone.now()
        status = worker_status(now=now)
        body["worker"] = status.state
        body["worker_heartbeat_age_s"] = status.age_seconds(now)
    else:
        body["worker"] = "unknown"
    healthy = body["database"] == body["broker"] == "ok" and body["worker"] != "silent"
    return JsonResponse({"status": "ok" if healthy else "fail", **body}, status=200 if healthy else 503)
