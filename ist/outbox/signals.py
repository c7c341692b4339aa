"""A task handed over by the outbox carries the row's id in its `outbox_id` header; these handlers,
run in the worker, record the task's start, retry and end on that row. Tasks started otherwise
(beat's own schedule, tests) carry no header and are ignored."""

from __future__ import annotations

from typing import Any

from celery.signals import task_failure, task_prerun, task_retry, task_success

from ist.outbox import services


def _outbox_id(request: Any) -> int | None:
    if request is None:
        return None
    value = getattr(request, "outbox_id", None) or (getattr(request, "headers", None) or {}).get("outbox_id")
    return int(value) if value else None


@task_prerun.connect
def _started(sender: Any = None, **kwargs: Any) -> None:
    if message_id := _outbox_id(getattr(sender, "request", None)):
        services.task_started(message_id=message_id)


@task_retry.connect
def _retrying(request: Any = None, **kwargs: Any) -> None:
    if message_id := _outbox_id(request):
        services.task_retrying(message_id=message_id)


@task_success.connect
def _succeeded(sender: Any = None, **kwargs: Any) -> None:
    if message_id := _outbox_id(getattr(sender, "request", None)):
        services.task_finished(message_id=message_id)


@task_failure.connect
def _failed(sender: Any = None, exception: BaseException | None = None, **kwargs: Any) -> None:
    if message_id := _outbox_id(getattr(sender, "request", None)):
        services.task_finished(message_id=message_id, error=f"{type(exception).__name__}: {exception}")
