"""The Celery application: broker and schedule come from ist/settings.py."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

app = Celery("ist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
