"""The test databases are copies of one migrated template (PostgreSQL only).

Every pytest-xdist worker of every run needs a test database with all migrations applied: four at
the start of `make pytest` (two workers each for the app and browser runs). Migrating costs ~10 CPU
seconds of Python and as much again in PostgreSQL, each time. Instead the first worker migrates a
template database once, `test_<name>_template_<digest>`, and every worker's test database is
created from it (`CREATE DATABASE … TEMPLATE …`, Django's TEST["TEMPLATE"] setting), after which
Django's `migrate` finds nothing left to apply. The migrations, data migrations included, still run
for real: into the template, on the same PostgreSQL.

The digest covers every migration file of the project and the locked dependencies (the migrations
of Django, auditlog, axes, …), so a changed or added migration makes a new template; older ones of
the same database name are dropped. A template is built under a name of its own and renamed only
when complete, so a run killed halfway never leaves a half-migrated template behind.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connections

ROOT = Path(__file__).resolve().parents[1]


def digest() -> str:
    from django.apps import apps

    sha = hashlib.sha256()
    folders = [Path(config.path) / "migrations" for config in apps.get_app_configs()]
    ours = [f for f in folders if f.is_relative_to(ROOT) and "site-packages" not in f.parts]
    files = sorted(p for folder in ours for p in folder.glob("*.py"))
    for path in [*files, ROOT / "requirements-dev.lock"]:
        sha.update(str(path.relative_to(ROOT)).encode())
        sha.update(path.read_bytes())
    return sha.hexdigest()[:12]


def _exists(cursor: Any, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def prepare(alias: str = "default") -> str | None:
    """Make sure the migrated template for `alias` exists and have the test database made from it.

    Returns the template's name, or None where there is nothing to do (not PostgreSQL)."""
    db_settings = settings.DATABASES[alias]
    if not db_settings["ENGINE"].endswith("postgresql"):
        return None
    connection = connections[alias]
    quote = connection.ops.quote_name
    base = f"test_{db_settings['NAME']}_template_"
    template = f"{base}{digest()}"
    with connection._nodb_cursor() as cursor:  # on the "postgres" database, autocommit
        # One build at a time per database name (the workers of both runs); other names do not wait.
        cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [base])
        try:
            if not _exists(cursor, template):
                building = f"{template}_building"
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(building)}")
                cursor.execute(f"CREATE DATABASE {quote(building)}")
                _migrate(alias, building)
                cursor.execute(f"ALTER DATABASE {quote(building)} RENAME TO {quote(template)}")
                cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{base}%"])
                for (old,) in cursor.fetchall():
                    if old != template:
                        # Another run may be copying it right now; then it goes next time.
                        with contextlib.suppress(DatabaseError):
                            cursor.execute(f"DROP DATABASE IF EXISTS {quote(old)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [base])
    db_settings.setdefault("TEST", {})["TEMPLATE"] = template
    return template


def _migrate(alias: str, name: str) -> None:
    """Apply every migration to the database `name`, through this process's connection settings."""
    connection = connections[alias]
    original = settings.DATABASES[alias]["NAME"]
    connection.close()
    settings.DATABASES[alias]["NAME"] = connection.settings_dict["NAME"] = name
    try:
        call_command("migrate", verbosity=0, interactive=False, database=alias, run_syncdb=True)
    finally:
        connection.close()  # a template must have no connection when it is copied
        settings.DATABASES[alias]["NAME"] = connection.settings_dict["NAME"] = original
