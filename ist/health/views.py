from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from ist.health.checks import broker_ok, database_ok
from ist.health.models import Heartbeat


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the broker answer, 503 otherwise; worker age is information only."""
    checks = {"database": database_ok(), "broker": broker_ok()}
    body: dict[str, object] = {
        "status": "ok" if all(checks.values()) else "fail",
        **{name: "ok" if ok else "fail" for name, ok in checks.items()},
    }
    if checks["database"]:
        beat = Heartbeat.objects.filter(source="worker").values_list("beat_at", flat=True).first()
        body["worker_heartbeat_age_s"] = round((timezone.now() - beat).total_seconds()) if beat else None
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
