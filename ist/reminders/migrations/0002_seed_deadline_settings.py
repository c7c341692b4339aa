"""The one row of deadline settings, with the defaults of the issue (administrators change them)."""

from __future__ import annotations

from django.db import migrations


def create(apps, schema_editor) -> None:  # type: ignore[no-untyped-def]
    apps.get_model("notifications", "DeadlineSettings").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
