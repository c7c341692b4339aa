"""Administrators edit the rules and value lists of the journey; participant data is not here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from participants.models import (
    ActivityType,
    DurationRule,
    EducationLevel,
    ExitReason,
    Occupation,
    PhaseRequirement,
)

REQUIREMENT_FIELDS = ["phase", "kind", "count", "per_weeks", "valid_from"]


@admin.register(PhaseRequirement)
class PhaseRequirementAdmin(admin.ModelAdmin):
    """A requirement in force (valid from today or earlier) is not edited: a change is a new row
    with the date it applies from, so the weeks and reports before it keep the requirement they had
    (docs/decisions/0027). A row that is not in force yet may still be edited or removed."""

    list_display = ["phase", "kind", "count", "per_weeks", "valid_from"]
    list_filter = ["phase", "kind"]
    ordering = ["phase", "kind", "-valid_from"]

    def _in_force(self, obj: PhaseRequirement | None) -> bool:
        return obj is not None and obj.valid_from <= timezone.localdate()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return REQUIREMENT_FIELDS if self._in_force(obj) else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._in_force(obj) and super().has_delete_permission(request, obj)


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    """Kinds of activity. The code is what logged activities point to: it is fixed once saved."""

    list_display = ["name", "code", "category", "mode", "default_duration_minutes", "position", "active"]
    list_editable = ["position", "active"]
    list_filter = ["category", "mode", "active"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return ["code"] if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # logged activities keep their kind; make it inactive instead


@admin.register(DurationRule)
class DurationRuleAdmin(admin.ModelAdmin):
    list_display = ["age_from", "age_to", "months", "max_months"]


@admin.register(EducationLevel, Occupation)
class ValueListAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position", "active"]
    list_editable = ["position", "active"]


@admin.register(ExitReason)
class ExitReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "group", "to_work_or_studies", "health", "active"]
    list_filter = ["group"]
