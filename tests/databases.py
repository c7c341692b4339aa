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
    """The rows data migrations made from the apps' reference modules (the five teams and the demo
    organisation, support kinds, phase requirements, activity kinds, value lists, retention rules, the
    reference questionnaires), which a transactional test database (and the flush between live-server
    tests) does not have."""
    from django.apps import apps

    from ist.questionnaires.reference import create_reference
    from ist.retention.reference import create_default_rules
    from participants.reference import seed_activity_kinds, seed_rules_and_lists
    from referrals.reference import create_support_kinds
    from teams.demo import seed_organisation

    seed_organisation()
    create_support_kinds(apps)
    seed_rules_and_lists(apps)
    seed_activity_kinds(apps)
    create_default_rules(apps)
    create_reference(apps)


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI"),
    reason="needs PostgreSQL (row locks, make_interval, …); set DATABASE_URL as .ci/run does",
)
