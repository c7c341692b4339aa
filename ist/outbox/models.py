"""The transactional outbox: every e-mail and every task a service starts, written in the same
transaction as the change and handed to the broker after the commit (docs/decisions/0013-outbox.md)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Message(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("E-post")
        TASK = "task", _("Bakgrundsjobb")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")  # not yet handed to the broker (or released for another try)
        RELAYED = "relayed", _("Överlämnad")  # handed to the broker; a worker will take it
        SENDING = "sending", _("Skickas")  # an e-mail claimed by a worker, not yet marked sent
        DONE = "done", _("Klar")  # e-mail sent, task finished
        FAILED = "failed", _("Misslyckad")  # given up: needs an operator

    # What makes the message one of its kind: enqueueing the same key twice makes one row.
    key = models.CharField(_("nyckel"), max_length=200, unique=True)
    kind = models.CharField(_("slag"), max_length=10, choices=Kind.choices)
    # An e-mail's notification kind (ist.messaging.registry), or a task's registered name.
    name = models.CharField(_("namn"), max_length=150)
    # Ids and short strings only: never personal data.
    args = models.JSONField(_("argument"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("nästa försök"), default=timezone.now)
    relay_attempts = models.PositiveIntegerField(_("försök att lämna över"), default=0)
    relayed_at = models.DateTimeField(_("överlämnad"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("påbörjad"), null=True, blank=True)
    # Claims whose worker died (older than the send's time limit) that were released for one more try.
    stale_claims = models.PositiveSmallIntegerField(_("övergivna försök"), default=0)
    send_errors = models.PositiveSmallIntegerField(_("fel vid sändning"), default=0)
    done_at = models.DateTimeField(_("klar"), null=True, blank=True)
    last_error = models.TextField(_("senaste fel"), blank=True)

    class Meta:
        verbose_name = _("utgående meddelande")
        verbose_name_plural = _("utgående meddelanden")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The relay's and /healthz's question: what is waiting, oldest first.
            models.Index(fields=["next_attempt_at"], condition=Q(status="pending"), name="outbox_pending_idx"),
            models.Index(fields=["status", "relayed_at"], name="outbox_status_idx"),
        ]

    def __str__(self) -> str:
        return self.key
