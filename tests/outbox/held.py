"""The outbox held in the test: rows are written as in production but not handed to the broker (a
message left on the tests' broker queue would outlive the test's database and reach a later test's
worker). What the tests see is the e-mails recorded, as (kind, object id)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ist.outbox.models import Message


class OutboxEmails:
    """The e-mails recorded in the outbox since it was held, read when asked: compares and iterates
    as a list of (kind, id)."""

    def __init__(self) -> None:
        self.after = Message.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def _rows(self) -> list[tuple[str, int]]:
        rows = (
            Message.objects.filter(kind=Message.Kind.EMAIL, pk__gt=self.after)
            .order_by("pk")
            .values_list("name", "args")
        )
        return [(name, args[0]) for name, args in rows]

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return iter(self._rows())

    def __len__(self) -> int:
        return len(self._rows())

    def __contains__(self, item: object) -> bool:
        return item in self._rows()

    def __eq__(self, other: object) -> bool:
        return self._rows() == other

    __hash__ = None  # type: ignore[assignment]  # unhashable, like the list it stands for

    def __repr__(self) -> str:
        return repr(self._rows())


def hold(monkeypatch: pytest.MonkeyPatch) -> OutboxEmails:
    """Hold the e-mails; tasks (a report build, a PDF) still go to this test process's own queue
    (tests/conftest.py), which the `celery_worker` fixture empties before it starts, so a journey with
    a worker sees its work done and nothing reaches a later test."""
    from ist.outbox import services

    relay = services.relay_after_commit

    def relay_tasks_only(message_id: int) -> None:
        if Message.objects.filter(pk=message_id, kind=Message.Kind.TASK).exists():
            relay(message_id)

    monkeypatch.setattr(services, "relay_after_commit", relay_tasks_only)
    return OutboxEmails()
