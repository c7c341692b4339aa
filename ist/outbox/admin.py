"""The outbox in the Django admin, read-only for administrators: what waits, what failed and why.
"Försök igen" gives a failed message another try (an operator who has checked the cause)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from ist.outbox.models import Message
from ist.outbox.services import message_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = [
        "key",
        "kind",
        "status",
        "relay_attempts",
        "send_errors",
        "created_at",
        "next_attempt_at",
        "done_at",
    ]
    list_filter = ["status", "kind"]
    search_fields = ["key"]
    ordering = ["-created_at"]
    show_full_result_count = False
    actions = ["retry"]
    readonly_fields = [f.name for f in Message._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Message | None = None) -> bool:
        return False

    @admin.action(description="Försök igen (misslyckade meddelanden)", permissions=["view"])
    def retry(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        n = sum(message_retry(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{n} meddelande(n) försöks igen.", messages.SUCCESS)
