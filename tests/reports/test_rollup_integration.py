"""The activity rollup counted by a real Celery worker, as beat sends the task."""

from __future__ import annotations

from datetime import date

import pytest

from reports import rollup, tasks
from reports.models import RollupDay
from reports.statistics import Period
from teams.models import Team
from tests.databases import seed_reference_data
from tests.health.test_tasks_integration import wait_for
from tests.reports import dataset

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_the_worker_counts_the_finished_days(celery_worker) -> None:
    seed_reference_data()  # the transactional database starts empty
    dataset.build()
    teams = Team.objects.filter(slug__in=["halmstad-hylte", "varberg"])
    period = Period.parse("2026Q3")
    before = rollup.counts(teams, period)
    tasks.refresh_activity_rollup.delay()
    assert wait_for(lambda: RollupDay.objects.filter(day=date(2026, 7, 2), dirty=False).exists())
    assert rollup.counts(teams, period) == before
