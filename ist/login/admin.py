from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ist.login.models import SecondFactorPolicy, SecondFactorReset


@admin.register(SecondFactorPolicy)
class SecondFactorPolicyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "steering_group"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SecondFactorPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SecondFactorReset)
class SecondFactorResetAdmin(admin.ModelAdmin):
    """The record of resets: read only, kept."""

    list_display = ["user", "by", "at", "devices_removed"]
    list_select_related = ["user", "by"]
    search_fields = ["user__email", "by__email"]
    readonly_fields = ["user", "by", "reason", "devices_removed", "at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
