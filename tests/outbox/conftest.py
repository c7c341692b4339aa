"""Fixtures of the outbox tests."""

from __future__ import annotations

import pytest

from tests.participants.documents.conftest import seeded_journey

__all__ = ["seeded_journey"]


@pytest.fixture(autouse=True)
def broker_not_known_down(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without an earlier test's broker error quieting the on-commit attempt."""
    from ist.outbox import services

    monkeypatch.setattr(services, "_broker_failed_at", None)
