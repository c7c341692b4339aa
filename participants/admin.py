"""Administrators edit the rules and value lists of the journey; participant data is not here."""

from __future__ import annotations

from django.contrib import admin

from participants.models import DurationRule, EducationLevel, ExitReason, Occupation, PhaseRequirement


@admin.register(PhaseRequirement)
class PhaseRequirementAdmin(admin.ModelAdmin):
    list_display = ["phase", "kind", "count", "per_weeks"]
    list_editable = ["count", "per_weeks"]
    list_filter = ["phase"]


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
