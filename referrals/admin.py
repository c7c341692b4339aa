from __future__ import annotations

from django.contrib import admin

from referrals.models import SupportKind


@admin.register(SupportKind)
class SupportKindAdmin(admin.ModelAdmin):
    list_display = ["label", "code", "position", "active"]
    list_editable = ["position", "active"]
