"""Stored periodic reports: a quarterly or half-year report built once by a task and served from storage.

A report holds aggregates only (suppressed, reports/periodic.py), so one stored file serves everyone
who may see its teams: the row is keyed by kind, period and the set of teams it covers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportFile(models.Model):
    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("Kvartalsrapport till styrgruppen")
        HALFYEAR = "halfyear", _("Halvårsrapport till förbundet")

    class Status(models.TextChoices):
        PENDING = "pending", _("Skapas")
        READY = "ready", _("Klar")
        FAILED = "failed", _("Kunde inte skapas")  # every attempt failed; a rebuild tries again

    kind = models.CharField(_("rapport"), max_length=10, choices=Kind.choices)
    label = models.CharField(_("period"), max_length=6)  # "2026Q3", "2026H1"
    # The teams covered, as their sorted primary keys ("1,3,5"): the key that lets every user whose
    # teams are the same share the one stored file.
    teams_key = models.TextField()
    scope = models.CharField(_("omfattning"), max_length=300)  # "Alla team" or the teams' names
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Counts the builds asked for; a rebuild form carries the one it saw, so a double submit builds once.
    generation = models.PositiveIntegerField(default=1)
    requested_at = models.DateTimeField(_("beställd"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When a build task was last sent: the sweep sends another only when this one must have been lost.
    queued_at = models.DateTimeField()
    built_at = models.DateTimeField(_("skapad"), null=True, blank=True)
    # The files of the latest finished build; a rebuild keeps them downloadable until it replaces them.
    pdf = models.FileField(upload_to="reports/%Y/", blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    xlsx = models.FileField(upload_to="reports/%Y/", blank=True)
    xlsx_sha256 = models.CharField(max_length=64, blank=True)
    build_attempts = models.PositiveSmallIntegerField(default=0)
    build_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("sparad rapport")
        verbose_name_plural = _("sparade rapporter")
        constraints = [
            models.UniqueConstraint(fields=["kind", "label", "teams_key"], name="report_file_one_per_scope"),
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(pdf_sha256="") & ~Q(xlsx_sha256="")),
                name="report_file_ready_has_files",
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="report_file_pending")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} – {self.scope}"

    @property
    def has_files(self) -> bool:
        return bool(self.pdf_sha256 and self.xlsx_sha256)

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED


class ActivityDay(models.Model):
    """The daily rollup of activities (reports/rollup.py): how many were booked on one day in one team,
    per kind and attendance. Statistik reads finished days from here and the current day live.

    Keyed on what reports.statistics.activities groups by; to count by something else (a category),
    add the column here and to the GROUP BY in reports/rollup.py, and rebuild (`rebuild_activity_rollup`).
    """

    day = models.DateField()
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    attendance = models.CharField(max_length=10)
    n = models.PositiveIntegerField()
    minutes = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "kind", "attendance"], name="activity_day_one_row_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.team_id} {self.kind} {self.attendance}: {self.n}"


class ActivityMonth(models.Model):
    """The monthly level of the activity rollup (reports/rollup.py): the sum of a month's `ActivityDay`
    rows, per team, kind and attendance. Recomputed from the day rows by the worker in the transaction
    that counts any day of the month; Statistik reads a month from here only when every day of it is
    counted and clean (else from the days, and the dirty or uncounted days live), so a year is
    12 rows per key instead of 365."""

    month = models.DateField()  # the first day of the month
    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    attendance = models.CharField(max_length=10)
    n = models.PositiveIntegerField()
    minutes = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team", "kind", "attendance"], name="activity_month_one_row_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.team_id} {self.kind} {self.attendance}: {self.n}"


class RollupDay(models.Model):
    """One row per day the rollup knows: `dirty` while an activity of that day changed since the
    worker last counted it. A day without a row, or a dirty one, is counted live."""

    day = models.DateField(unique=True)
    dirty = models.BooleanField(default=True)
    counted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["day"], condition=Q(dirty=True), name="rollup_day_dirty")]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}{' (ändrad)' if self.dirty else ''}"
