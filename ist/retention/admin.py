"""Administrators edit the retention rules here (one per kind of record; kinds are fixed in code)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ist.retention.models import RetentionRule


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["kind", "months", "event", "active", "updated_at"]
    list_editable = ["months", "active"]
    fields = ["kind", "event", "months", "active", "note"]
    readonly_fields = ["kind"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # one rule per kind, made by the data migration

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # switch a rule off with "gallras" instead
