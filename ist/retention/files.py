"""Stored files: removing those whose rows gallring removed, and finding files no row references.

A file is removed after the transaction that dropped its reference commits: if the transaction
rolls back, the file is still needed. If the process dies between the commit and the removal, the
file is an orphan, which `manage.py orphaned_files --delete` finds and removes.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from django.core.files.storage import Storage

log = logging.getLogger(__name__)


def delete_stored(names: Iterable[str], storage: Storage | None = None) -> int:
    """Remove these files from storage; a file already gone is not an error (a second run)."""
    storage = storage or default_storage
    removed = 0
    for name in names:
        if not name:
            continue
        try:
            if storage.exists(name):
                storage.delete(name)
                removed += 1
        except OSError:
            # Logged, not raised: the rows are already gone; the orphan check finds the file later.
            log.exception("could not remove stored file %s", name)
    return removed


def file_fields() -> list[tuple[type[models.Model], str]]:
    """Every FileField (and ImageField) of every installed model, concrete and not a proxy."""
    found: list[tuple[type[models.Model], str]] = []
    for model in apps.get_models():
        if model._meta.proxy or model._meta.abstract:
            continue
        found.extend(
            (model, field.name)
            for field in model._meta.get_fields()
            if isinstance(field, models.FileField) and field.concrete
        )
    return found


def referenced_names() -> set[str]:
    """The names of all files some row refers to (one streaming query per file field)."""
    names: set[str] = set()
    for model, name in file_fields():
        rows = model._default_manager.exclude(**{name: ""}).exclude(**{f"{name}__isnull": True})
        names.update(rows.values_list(name, flat=True).iterator(chunk_size=2000))
    return names


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    folders, files = storage.listdir(folder)
    for file in files:
        yield f"{folder}/{file}" if folder else file
    for sub in folders:
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


@dataclass(frozen=True)
class Orphan:
    name: str
    size: int
    modified: datetime


def orphans(*, min_age: timedelta, storage: Storage | None = None) -> list[Orphan]:
    """Files in storage that no row references and that are older than `min_age`: a file written a
    moment ago may belong to a task that saves its row next (a report build, a PDF render)."""
    storage = storage or default_storage
    referenced = referenced_names()
    limit = timezone.now() - min_age
    found: list[Orphan] = []
    if not storage.exists(""):
        return found
    for name in _walk(storage):
        if name in referenced or os.path.basename(name).startswith("."):
            continue
        modified = storage.get_modified_time(name)
        if modified <= limit:
            found.append(Orphan(name=name, size=storage.size(name), modified=modified))
    return sorted(found, key=lambda orphan: orphan.name)
