"""Four of django-auditlog's indexes on the log are never read here, and every page that shows
personal data writes to the log: each index is one more B-tree to insert into for every row read.

- `object_pk` and its `varchar_pattern_ops` twin (`…_like`): auditlog looks an entry up by
  `object_pk` only for models whose primary key is not an integer. Every model registered with
  auditlog here has an integer key, so every lookup by object (the retention's purge of change
  history, auditlog's own `get_for_object`) goes by `content_type` and `object_id`, which keep
  their indexes. The keys the access log writes are the enrolments, people and referrals read, in
  no order: each row lands on a random leaf page of these two indexes.
- `cid` and its `_like` twin: auditlog's correlation id, which nothing here filters on.

At 20 M rows that is ~540 MB of indexes, and an INSERT of 160 read rows (Min vecka at 160
participants) took 21–23 ms with them and 14 ms without (docs/performance.md, "Round nine").
The model state (auditlog's own migrations) still says `db_index=True`; Django drops indexes with
`DROP INDEX IF EXISTS`, so a later auditlog migration that alters these fields still applies.
Dropped CONCURRENTLY: the log is written on every page view. Backwards creates them again."""

from django.db import migrations

from ist.migration_operations import IndexConcurrently

TABLE = "auditlog_logentry"


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("audit", "0001_person_index")]

    operations = [
        IndexConcurrently(name="auditlog_logentry_object_pk_6e3219c0", table=TABLE, columns='"object_pk"', drop=True),
        IndexConcurrently(
            name="auditlog_logentry_object_pk_6e3219c0_like",
            table=TABLE,
            columns='"object_pk" varchar_pattern_ops',
            drop=True,
            postgres_only=True,
        ),
        IndexConcurrently(name="auditlog_logentry_cid_9f467263", table=TABLE, columns='"cid"', drop=True),
        IndexConcurrently(
            name="auditlog_logentry_cid_9f467263_like",
            table=TABLE,
            columns='"cid" varchar_pattern_ops',
            drop=True,
            postgres_only=True,
        ),
    ]
