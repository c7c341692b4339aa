"""Reads of the gallring pages (administrators only): a fixed number of queries each."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Prefetch

from ist.retention.models import LegalHold, RegisterExtract, RetentionLogLine, RetentionRule, RetentionRun

if TYPE_CHECKING:
    from django.db.models import QuerySet

RUNS_SHOWN = 30
EXTRACTS_SHOWN = 50


def rules() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.all()


def holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.select_related("placed_by")


def recent_runs() -> list[RetentionRun]:
    """The gallringslogg's latest runs with their lines (two queries)."""
    return list(
        RetentionRun.objects.prefetch_related(
            Prefetch("lines", queryset=RetentionLogLine.objects.order_by("pk"), to_attr="shown_lines")
        )[:RUNS_SHOWN]
    )


def recent_extracts() -> QuerySet[RegisterExtract]:
    return RegisterExtract.objects.select_related("requested_by")[:EXTRACTS_SHOWN]
