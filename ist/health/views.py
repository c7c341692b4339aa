from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ist.health.checks import broker_ok, database_ok
from ist.health.worker import worker_status
from ist.outbox.services import backlog


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer and the worker is not silent, 503 otherwise;
    the outbox backlog is information only.

    For monitoring and alerting, not for restarting web: a silent worker is not cured by a new
    web process (docs/operations.md, "When the worker is down").
    """
    body: dict[str, object] = {"database": "ok" if database_ok() else "fail", "broker": "ok" if broker_ok() else "fail"}
    if body["database"] == "ok":
        now = timezone.now()
        status = worker_status(now=now)
        body["worker"] = status.state
        body["worker_heartbeat_age_s"] = status.age_seconds(now)
        # What waits in the outbox for the broker: a growing backlog while the broker is down,
        # drained by the relay once it is back.
        state = backlog()
        body["outbox_pending"] = state.pending
        body["outbox_oldest_pending_age_s"] = state.oldest_pending_age_s
        body["outbox_failed"] = state.failed
    else:
        body["worker"] = "unknown"
    healthy = body["database"] == body["broker"] == "ok" and body["worker"] != "silent"
    return JsonResponse({"status": "ok" if healthy else "fail", **body}, status=200 if healthy else 503)
