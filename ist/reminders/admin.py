from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ist.reminders.models import DeadlineSettings


@admin.register(DeadlineSettings)
class DeadlineSettingsAdmin(admin.ModelAdmin):
    """One row: administrators change the offsets; nobody adds a second row or removes it."""

    fieldsets = [
        ("Remisser och möten", {"fields": ["answer_days_before", "needs_info_days", "team_meeting_days_before"]}),
        (
            "Deltagare",
            {
                "fields": [
                    "prova_pa_weeks",
                    "prova_pa_days_before",
                    "plan_days_before",
                    "report_days_before",
                    "inriktningstid_days_before",
                    "follow_up_days_before",
                ]
            },
        ),
        (
            "Rapporter",
            {
                "fields": [
                    "quarterly_report_days_after",
                    "august_board_day",
                    "december_board_day",
                    "board_report_days_before",
                    "report_remind_days_before",
                ]
            },
        ),
    ]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
