"""Fixtures of the outbox tests: the documents tests' transactional journey."""

from __future__ import annotations

from tests.participants.documents.conftest import seeded_journey

__all__ = ["seeded_journey"]
