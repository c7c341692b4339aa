"""Every search by person in Loggkontroll and the per-person extract filter the access log on
`additional_data -> 'person'` (the key ist.audit.recording writes). An expression index on exactly that
expression (and the time, for the order) lets them read a person's few hundred rows instead of the
whole log: at 20 M rows, seconds became milliseconds (docs/performance.md, national scale).

Built CONCURRENTLY: the log is written on every page view and must not be locked while the index is
built. PostgreSQL only (the development default, SQLite, spells the JSON expression differently)."""

from django.db import migrations

from ist.migration_operations import IndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [
        IndexConcurrently(
            name="audit_logentry_person_idx",
            table="auditlog_logentry",
            columns='("additional_data" -> \'person\'), "timestamp"',
            postgres_only=True,
        ),
    ]
