"""Every query is planned for its own values: the app's PostgreSQL connection merges values into the
text on the client and prepares nothing. Prepared statements were measured and turned down
(decision 0038): a participant page's SQL time fell from ~29 to ~10 ms, but PostgreSQL's cached
generic plans made Loggkontroll's search for some people take 17 s instead of 60 ms."""

from __future__ import annotations

import pytest
from django.db import connection
from psycopg import ClientCursor

from teams.models import Team
from tests.databases import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]


def test_values_are_merged_into_the_query_on_the_client() -> None:
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, ClientCursor)


def test_a_query_run_many_times_is_never_prepared() -> None:
    for n in range(12):  # more than psycopg's own threshold (5) for preparing a statement
        assert list(Team.objects.filter(slug=f"ingen-{n}")) == []
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone() == (0,)
