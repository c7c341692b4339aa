"""The access log's indexes are chosen, not inherited: every page that shows personal data inserts
into each of them (ist/audit/migrations/0002). The ones kept are the ones a read here uses."""

from __future__ import annotations

from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from participants.models import Enrollment
from tests.databases import postgresql_only

pytestmark = pytest.mark.django_db

KEPT = {
    "auditlog_logentry_pkey",
    "auditlog_logentry_timestamp_37867bb0",  # Loggkontroll's pages and retention by age
    "auditlog_logentry_actor_id_959271d2",  # Loggkontroll by user
    "auditlog_logentry_action_229afe39",  # reads or changes
    "auditlog_logentry_content_type_id_75830218",  # with object_id: an object's change history
    "auditlog_logentry_object_id_09c2eee8",
    "audit_logentry_person_idx",  # search by person and the extract
}


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [LogEntry._meta.db_table])
        return {name for (name,) in cursor.fetchall()}


def _plan(sql: str, params: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show its choice
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@postgresql_only  # pg_indexes; the `_like` twins exist only on PostgreSQL
def test_the_log_has_exactly_the_indexes_its_reads_use() -> None:
    assert _indexes() == KEPT


@postgresql_only
def test_an_objects_change_history_is_found_by_content_type_and_object_id_not_object_pk() -> None:
    """The retention's purge (ist/retention/anonymise.py) and auditlog's get_for_object look an
    entry up by object_id for integer keys, which every audited model here has."""
    kind = ContentType.objects.get_for_model(Enrollment)
    found = LogEntry.objects.filter(content_type=kind, object_id__in=[1, 2, 3])
    plan = _plan(*found.query.sql_with_params())
    assert "auditlog_logentry_object_id_09c2eee8" in plan or "auditlog_logentry_content_type_id_75830218" in plan
    assert "object_pk" not in plan


def test_every_audited_model_has_an_integer_key_so_object_pk_is_never_looked_up() -> None:
    """auditlog finds entries by `object_pk` only for keys that are not integers; its index is gone
    (migration 0002). A model with such a key registered for auditing would need it back."""
    from auditlog.registry import auditlog
    from django.db import models

    integer_keys = (models.AutoField, models.BigAutoField, models.IntegerField, models.ForeignKey)
    registered = auditlog.get_models()
    assert registered
    not_integer = [m.__name__ for m in registered if not isinstance(m._meta.pk, integer_keys)]
    assert not_integer == []
