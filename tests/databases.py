"""Markers and helpers for tests that depend on the database.

Concurrency (row locks, SKIP LOCKED) can only be shown on PostgreSQL. `make test` on a fresh
machine runs on the embedded SQLite, where such a test is skipped with its reason; in CI
(CI=true, PostgreSQL configured) it always runs — and if CI ever lost PostgreSQL it would run and fail,
never be skipped.
"""

from __future__ import annotations

import os

import pytest
from django.db import connection


def seed_reference_data() -> None:
    """The rows data migrations made (the five teams and the demo organisation, support kinds, phase
    requirements, activity kinds, value lists), which a transactional test database (and the flush between
    live-server tests) does not have."""
    from importlib import import_module

    from django.apps import apps

    from teams.demo import seed_organisation

    seed_organisation()
    import_module("referrals.migrations.0002_support_kinds").create(apps, None)
    import_module("participants.migrations.0002_seed_rules_and_lists").seed(apps, None)
    import_module("participants.migrations.0010_activity_kinds_as_data").seed_kinds(apps, None)
    import_module("ist.retention.migrations.0002_default_rules").create(apps, None)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI"),
    reason="needs PostgreSQL (row locks); set DATABASE_URL as .ci/run does",
)
