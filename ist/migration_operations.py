"""Migration operations for indexes on large tables that PostgreSQL builds or drops without locking
writes (CREATE/DROP INDEX CONCURRENTLY). On SQLite (the embedded development default) they do the
same thing the plain way. A migration using them sets `atomic = False`."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations import AddIndex
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


def _postgres(schema_editor: BaseDatabaseSchemaEditor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


class AddIndexConcurrentlyWherePossible(AddIndexConcurrently):
    """AddIndexConcurrently on PostgreSQL, AddIndex elsewhere."""

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if _postgres(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if _postgres(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)


class IndexConcurrently(Operation):
    """Create (forwards) or drop (`drop=True`) an index given by SQL, on any app's table: used for
    indexes the model state does not describe (an expression index on a third-party table) and for
    dropping an index the state stops describing (wrap it in SeparateDatabaseAndState).

    `columns` is the SQL inside `ON table (...)`. `postgres_only` leaves other databases alone (an
    expression PostgreSQL's JSON operators spell differently elsewhere)."""

    reduces_to_sql = True
    reversible = True
    atomic = False

    def __init__(self, *, name: str, table: str, columns: str, drop: bool = False, postgres_only: bool = False) -> None:
        self.name = name
        self.table = table
        self.columns = columns
        self.drop = drop
        self.postgres_only = postgres_only

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"name": self.name, "table": self.table, "columns": self.columns}
        if self.drop:
            kwargs["drop"] = True
        if self.postgres_only:
            kwargs["postgres_only"] = True
        return (self.__class__.__qualname__, [], kwargs)

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def _create(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        postgres = _postgres(schema_editor)
        if self.postgres_only and not postgres:
            return
        how = "CONCURRENTLY " if postgres else ""
        schema_editor.execute(f'CREATE INDEX {how}IF NOT EXISTS "{self.name}" ON "{self.table}" ({self.columns})')

    def _drop(self, schema_editor: BaseDatabaseSchemaEditor) -> None:
        postgres = _postgres(schema_editor)
        if self.postgres_only and not postgres:
            return
        how = "CONCURRENTLY " if postgres else ""
        schema_editor.execute(f'DROP INDEX {how}IF EXISTS "{self.name}"')

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._drop(schema_editor) if self.drop else self._create(schema_editor)

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        self._create(schema_editor) if self.drop else self._drop(schema_editor)

    def describe(self) -> str:
        return f"{'Drop' if self.drop else 'Create'} index {self.name} on {self.table} concurrently"
