"""Fixtures of the gallring tests: stored files go to a folder of the test's own."""

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
