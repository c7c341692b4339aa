"""Markers for tests that need the production database.

Concurrency (row locks, SKIP LOCKED) can only be shown on PostgreSQL. `make test` on a fresh
machine runs on the embedded SQLite, where such a test is skipped with its reason; in CI
(CI=true, PostgreSQL configured) it always runs — and if CI ever lost PostgreSQL it would run and fail,
never be skipped.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI"),
    reason="needs PostgreSQL (row locks); set DATABASE_URL as .ci/run does",
)
