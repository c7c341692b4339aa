"""What strong login keeps besides django-otp's devices: the policy, the resets, the reset requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecondFactorPolicy(models.Model):
    """One row (pk=1): which roles without personal data must still use a second factor.

    Every role that reaches personal data (team roles, referrers, administrators) always must;
    the steering group sees aggregates only, so the administrator decides for it."""

    steering_group = models.BooleanField(
        _("styrgruppen måste använda tvåstegsverifiering"),
        default=True,
        help_text=_("Styrgruppen ser bara sammanställd statistik. Övriga roller måste alltid."),
    )

    class Meta:
        verbose_name = _("regel för tvåstegsverifiering")
        verbose_name_plural = _("regler för tvåstegsverifiering")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="second_factor_policy_single_row")]

    def __str__(self) -> str:
        return str(_("Regel för tvåstegsverifiering"))

    @classmethod
    def current(cls) -> SecondFactorPolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


class SecondFactorReset(models.Model):
    """An administrator removed a user's factors after checking their identity outside the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="factor_resets", verbose_name=_("användare")
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("återställd av")
    )
    reason = models.TextField(_("skäl och hur identiteten kontrollerades"))
    devices_removed = models.PositiveSmallIntegerField(_("borttagna faktorer"))
    at = models.DateTimeField(_("tid"), auto_now_add=True)

    class Meta:
        ordering = ["-at"]
        verbose_name = _("återställd tvåstegsverifiering")
        verbose_name_plural = _("återställda tvåstegsverifieringar")

    def __str__(self) -> str:
        return f"{self.user} ({self.at:%Y-%m-%d %H:%M})"

    def get_additional_data(self) -> dict[str, object]:
        return {"person": f"user:{self.user_id}"}


class PasswordResetRequest(models.Model):
    """One request for a reset link. Counted per address and per client address to limit them, and
    handed to the worker, which alone looks up whether the address has an account: the request
    does the same work for known and unknown addresses (no enumeration by timing).

    A table, not the cache: the cache is per process here, and the limit must hold across web
    processes on SQLite and PostgreSQL alike. Rows are removed after a day (`email` with them)."""

    email = models.EmailField()
    email_key = models.CharField(max_length=64)  # keyed hashes, so counting needs no address
    client_key = models.CharField(max_length=64)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [
            models.Index(fields=["email_key", "at"], name="reset_request_email_at_idx"),
            models.Index(fields=["client_key", "at"], name="reset_request_client_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M}"
