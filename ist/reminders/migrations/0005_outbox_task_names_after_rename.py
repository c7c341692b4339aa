"""The package moved from ist/notifications to ist/reminders (the app label stays "notifications"),
so its Celery tasks are now named ist.reminders.tasks.*: outbox rows not yet done that name a task
by its old name get the new one, or the relay would hand the worker a task it does not know
(docs/decisions/0022)."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

OLD, NEW = "ist.notifications.tasks.", "ist.reminders.tasks."


def rename(old: str, new: str):
    def run(apps, schema_editor):
        Message = apps.get_model("outbox", "Message")
        Message.objects.filter(kind="task", name__startswith=old).exclude(status="done").update(
            name=Replace(F("name"), Value(old), Value(new))
        )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_handover_and_consent_kinds"),
        ("outbox", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename(OLD, NEW), rename(NEW, OLD))]
