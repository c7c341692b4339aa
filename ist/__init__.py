from __future__ import annotations

# Load Celery with Django so that `shared_task` binds to our app.
from ist.celery import app as celery_app

__all__ = ["celery_app"]
