"""`check --deploy` warns about a production left on the embedded default."""

from __future__ import annotations

from ist.health.deploy_checks import embedded_default_in_production


def ids(settings) -> set[str | None]:
    return {warning.id for warning in embedded_default_in_production()}


def test_the_embedded_broker_is_refused_in_production(settings) -> None:
    settings.CELERY_BROKER_URL = "sqlite:////var/lib/ist/celery/broker.sqlite3"
    assert "ist.W002" in ids(settings)
    settings.CELERY_BROKER_URL = "filesystem://"  # the earlier embedded broker, set by hand
    assert "ist.W002" in ids(settings)


def test_redis_is_accepted(settings) -> None:
    settings.CELERY_BROKER_URL = "redis://redis:6379/0"
    assert "ist.W002" not in ids(settings)
