"""The week_logs reminder sweep asks "who has an activity last week" for every enrolment: an index on
(date, enrollment) answers it from a week's rows instead of a scan of all activities. The plain index
on enrollment_id (made for the foreign key) is dropped: activity_enrollment_date_idx (enrollment, date)
already starts with that column and serves every lookup by enrolment.

Both CONCURRENTLY on PostgreSQL: activities are written all day and the table is large (5 M rows at
national scale), so no lock on writes while the index is built."""

import django.db.models.deletion
from django.db import migrations, models

from ist.migration_operations import AddIndexConcurrentlyWherePossible, IndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("participants", "0011_activity_kinds_as_data")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="activity",
            index=models.Index(fields=["date", "enrollment"], name="activity_date_enrollment_idx"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="activity",
                    name="enrollment",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="participants.enrollment",
                    ),
                ),
            ],
            database_operations=[
                IndexConcurrently(
                    name="participants_activity_enrollment_id_0b77d434",
                    table="participants_activity",
                    columns='"enrollment_id"',
                    drop=True,
                ),
            ],
        ),
    ]
