"""The app's PostgreSQL connection binds values on the server and prepares the queries it repeats,
so PostgreSQL plans them once per connection, not once per request (decision 0038)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.db.models.functions import TruncWeek
from psycopg import ClientCursor

from participants.models import Activity
from teams.models import Team
from tests.databases import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]


def _prepared() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return {statement for (statement,) in cursor.fetchall()}


def test_values_are_bound_on_the_server() -> None:
    with connection.cursor() as cursor:
        assert not isinstance(cursor.cursor, ClientCursor)  # psycopg's cursor that merges values in
        cursor.execute("SELECT %s::int + %s::int", [40, 2])
        assert cursor.fetchone() == (42,)


def test_a_query_run_as_often_as_the_threshold_is_prepared_whatever_its_values() -> None:
    threshold = settings.DATABASES["default"]["OPTIONS"]["prepare_threshold"]
    assert threshold >= 1
    slugs = [f"ingen-{n}" for n in range(threshold + 1)]
    for slug in slugs:  # the same text each time; only the value differs
        assert list(Team.objects.filter(slug=slug)) == []
    assert any('"teams_team"."slug" = $1' in statement for statement in _prepared())


def test_a_group_by_over_a_bound_value_still_runs() -> None:
    """With server-side binding PostgreSQL sees `DATE_TRUNC($1, date)` in SELECT and GROUP BY as two
    different expressions unless Django groups by the select's position: the weekly counts of the
    participant page's chart are such a query."""
    rows = list(Activity.objects.annotate(week=TruncWeek("date")).values("week").annotate(n=Count("pk")))
    assert rows == []
