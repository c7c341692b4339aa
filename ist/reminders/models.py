"""Reminders: the "Att göra" items the sweeps compute, the daily e-mail digest, the deadline settings.

A `Notification` is unique on (recipient, kind, subject, due date), so a sweep that runs twice, or
two sweeps at once, insert each item once. An `EmailDelivery` is unique per recipient and day and is
claimed with a conditional UPDATE before the digest is sent, so a digest goes out once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Kind(models.TextChoices):
    ANSWER_SOON = "answer_soon", _("Remiss: svarstiden går snart ut")
    ANSWER_OVERDUE = "answer_overdue", _("Remiss: svarstiden har gått ut")
    NEEDS_INFO_WAITING = "needs_info_waiting", _("Remiss: komplettering har dröjt")
    INFO_MEETING_TOMORROW = "info_meeting_tomorrow", _("Informationsmöte i morgon")
    TEAM_MEETING_SOON = "team_meeting_soon", _("Samverkansteamsmöte att förbereda")
    PROVA_PA_ENDING = "prova_pa_ending", _("Prova på slutar snart")
    PLAN_DUE = "plan_due", _("Handlingsplan ska skrivas")
    PLAN_OVERDUE = "plan_overdue", _("Handlingsplan är försenad")
    REPORT_DUE = "report_due", _("Återrapport ska skrivas")
    INRIKTNINGSTID_ENDING = "inriktningstid_ending", _("Inriktningstiden slutar snart")
    INRIKTNINGSTID_OVERDUE = "inriktningstid_overdue", _("Inriktningstiden har gått ut")
    WEEK_LOG_MISSING = "week_log_missing", _("Veckologg saknas")
    FOLLOW_UP_DUE = "follow_up_due", _("Uppföljning efter avslut")
    QUARTERLY_REPORT = "quarterly_report", _("Kvartalsrapport till styrgruppen")
    HALF_YEAR_REPORT = "half_year_report", _("Halvårsrapport till förbundet")
    HANDOVER = "handover", _("Avaktiverad användare: arbete utan ansvarig")
    CONSENT_CHANGED = "consent_changed", _("Samtycket har ändrats eller återkallats")
    INFO_ASKED = "info_asked", _("Remiss: komplettering begärd av dig")
    NEW_REFERRAL = "new_referral", _("Ny remiss")
    REFERRAL_RESUBMITTED = "referral_resubmitted", _("Remiss kompletterad")
    NEW_QUESTION = "new_question", _("Ny konsultativ fråga")
    QUESTIONNAIRE_DUE = "questionnaire_due", _("Enkät att lämna ut")


# New work announced to a team's coordinators: an item at once, and an e-mail at once or in the
# digest by each coordinator's choice (EmailTiming; docs/decisions/0030).
NEW_WORK = (Kind.NEW_REFERRAL, Kind.REFERRAL_RESUBMITTED, Kind.NEW_QUESTION)


class Notification(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Att göra")
        DONE = "done", _("Klar")  # marked done by the user
        RESOLVED = "resolved", _("Löst")  # a sweep found the work done

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("mottagare")
    )
    kind = models.CharField(_("typ"), max_length=30, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    due_on = models.DateField(_("senast"))
    # Initials and numbers only: the title also goes out by e-mail.
    title = models.CharField(_("rubrik"), max_length=200)
    url = models.CharField(_("länk"), max_length=300)
    state = models.CharField(_("läge"), max_length=10, choices=State.choices, default=State.OPEN)
    snoozed_until = models.DateField(_("pausad till"), null=True, blank=True)
    delivery = models.ForeignKey(
        "EmailDelivery", on_delete=models.SET_NULL, null=True, blank=True, related_name="notifications"
    )
    # The team the work belongs to, named on the item; the coordinator's own overdue answers sort first.
    team = models.ForeignKey(
        "teams.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("team")
    )
    # E-mailed at once through the outbox when it was raised (EmailTiming.AT_ONCE): the digest leaves it out.
    emailed_at_once = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_type", "subject_id", "due_on"], name="notification_unique_item"
            ),
        ]
        indexes = [
            # The inbox and the bell: a user's open items by due date.
            models.Index(fields=["recipient", "state", "due_on"], name="notification_inbox_idx"),
            # The sweeps: open items of a kind, to resolve those no longer due.
            models.Index(fields=["kind", "state"], name="notification_kind_state_idx"),
            # The digest: open items not yet e-mailed.
            models.Index(
                fields=["recipient"],
                condition=Q(state="open", delivery__isnull=True),
                name="notification_undelivered_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class EmailDelivery(models.Model):
    """One digest e-mail: at most one per recipient and day, claimed before it is sent."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Claims of a worker that died mid-send that were taken over (at most one: digest.MAX_STALE_CLAIMS).
    stale_claims = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    item_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="email_delivery_once_a_day")]
        indexes = [models.Index(fields=["day", "sent_at"], name="email_delivery_day_idx")]

    def __str__(self) -> str:
        return f"Sammanfattning {self.day:%Y-%m-%d}"


class NotificationPreference(models.Model):
    """A kind the user does not want in the daily e-mail (it still shows in "Att göra")."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="preference_unique_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}: ingen e-post om {self.kind}"


class EmailTiming(models.Model):
    """When a coordinator hears of new work by e-mail: in the daily digest (no row: the default) or at once."""

    class When(models.TextChoices):
        DIGEST = "digest", _("I den dagliga sammanfattningen")
        AT_ONCE = "at_once", _("Direkt, ett e-postmeddelande per remiss eller fråga")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", primary_key=True)
    new_work = models.CharField(_("ny remiss eller fråga"), max_length=10, choices=When.choices, default=When.DIGEST)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.new_work}"


def _days(label: StrOrPromise, default: int, help_text: str = "") -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MaxValueValidator(366)], help_text=help_text
    )


class DeadlineSettings(models.Model):
    """The offsets of every reminder and the report dates. One row (pk=1), edited by administrators."""

    answer_days_before = _days(_("remiss: påminn dagar före svarsdatum"), 3)
    needs_info_days = _days(_("remiss: påminn när kompletteringen dröjt mer än dagar"), 14)
    team_meeting_days_before = _days(_("samverkansteamsmöte: påminn ledamöterna dagar före"), 7)
    prova_pa_weeks = _days(_("Prova på: längd i veckor"), 4)
    prova_pa_days_before = _days(_("Prova på: påminn dagar före slut"), 5)
    plan_days_before = _days(_("handlingsplan: påminn dagar före"), 14)
    report_days_before = _days(_("återrapport: påminn dagar före"), 14)
    inriktningstid_days_before = _days(_("inriktningstid: påminn dagar före slut"), 30)
    follow_up_days_before = _days(_("uppföljning: påminn dagar före"), 14)
    quarterly_report_days_after = _days(_("kvartalsrapport: ska vara klar dagar efter kvartalets slut"), 20)
    board_report_days_before = _days(_("halvårsrapport: ska vara klar dagar före styrelsemötet"), 21)
    report_remind_days_before = _days(_("rapporter: påminn dagar före"), 30)
    august_board_day = models.PositiveSmallIntegerField(
        _("styrelsemöte i augusti (dag)"), default=25, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    december_board_day = models.PositiveSmallIntegerField(
        _("styrelsemöte i december (dag)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tidsfrister för påminnelser")
        verbose_name_plural = _("tidsfrister för påminnelser")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="deadline_settings_single_row")]

    def __str__(self) -> str:
        return str(_("Tidsfrister för påminnelser"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> DeadlineSettings:
        """The row the data migration made; defaults if it was removed (tests flush the database)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
