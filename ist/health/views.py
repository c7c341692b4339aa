from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ist.health.checks import broker_ok, database_ok
from ist.health.models import Heartbeat
from ist.outbox.services import backlog


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise; the worker's age and the outbox
    backlog are information only."""
    checks = {"database": database_ok(), "broker": broker_ok()}
    body: dict[str, object] = {
        "status": "ok" if all(checks.values()) else "fail",
        **{name: "ok" if ok else "fail" for name, ok in checks.items()},
    }
    if checks["database"]:
        beat = Heartbeat.objects.filter(source="worker").values_list("beat_at", flat=True).first()
        body["worker_heartbeat_age_s"] = round((timezone.now() - beat).total_seconds()) if beat else None
        # What waits in the outbox for the broker (information, like the heartbeat): a growing
        # backlog while the broker is down, drained by the relay once it is back.
        state = backlog()
        body["outbox_pending"] = state.pending
        body["outbox_oldest_pending_age_s"] = state.oldest_pending_age_s
        body["outbox_failed"] = state.failed
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
