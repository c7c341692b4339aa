"""Fixtures of the gallring tests: stored files go to a folder of the test's own, and the rules are on."""

from __future__ import annotations

import pytest


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture
def gallra(django_capture_on_commit_callbacks):
    """Run gallring as of a day, with the after-commit work (removing files) done as in production."""
    from ist.retention import services

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return services.retention_run(today=today)

    return run


@pytest.fixture(autouse=True)
def rules_on(request):
    """These tests are about what a rule does once switched on; the migration seeds every rule off
    (tests/retention/test_rules_off.py checks that). A transactional test seeds its own rows after
    this runs and calls builders.rules_on() itself."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    from tests.retention.builders import rules_on as switch_on

    switch_on()


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker.kwargs.get("transaction")) or "transactional_db" in request.fixturenames
