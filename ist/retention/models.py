"""Gallring (retention): the rules as data, the spärrar (legal holds), the gallringslogg and the
registerutdrag (GDPR art. 15) requests.

What each kind of record means, and what deleting or anonymising it does, is code
(ist/retention/kinds.py and anonymise.py); how long it is kept and from which event is data that
administrators edit (RetentionRule). See docs/decisions/0018-retention.md.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The access log is kept at least five years (DESIGN.md "Access"): a rule cannot be set shorter.
ACCESS_LOG_MIN_MONTHS = 60


class Kind(models.TextChoices):
    DRAFT_REFERRAL = "draft_referral", _("Remissutkast som aldrig skickades")
    REFERRAL_NOT_ENROLLED = "referral_not_enrolled", _("Remiss som inte ledde till inskrivning")
    QUESTION = "question", _("Konsultativ fråga")
    CLOSED_ENROLLMENT = "closed_enrollment", _("Avslutad inskrivning med planer, rapporter, aktiviteter och dokument")
    UPLOADED_FILE = "uploaded_file", _("Inskannade filer (remisser, underskrivna planer)")
    ACCESS_LOG = "access_log", _("Åtkomstlogg (vem läste vad)")
    CHANGE_LOG = "change_log", _("Ändringshistorik")
    NOTIFICATION = "notification", _("Påminnelser och e-postutskick")
    REGISTER_EXTRACT = "register_extract", _("Registerutdrag")
    IDENTIFIED_ANSWER = "identified_answer", _("Självskattningar (enkätsvar kopplade till inskrivningen)")
    ANONYMOUS_ANSWER = "anonymous_answer", _("Anonyma enkätsvar (inga personuppgifter)")


class Event(models.TextChoices):
    LAST_CHANGE = "last_change", _("senaste ändring")
    DECISION = "decision", _("beslut")
    ANSWER = "answer", _("svar")
    LAST_ENTRY = "last_entry", _("senaste anteckning")
    CLOSURE = "closure", _("avslut")
    CASE_ENDED = "case_ended", _("ärendets slut (beslut eller avslut)")
    LOGGED = "logged", _("loggning")
    REQUESTED = "requested", _("beställning")


# The events a kind of record can be counted from (the first is the default).
EVENTS: dict[str, tuple[str, ...]] = {
    Kind.DRAFT_REFERRAL: (Event.LAST_CHANGE,),
    Kind.REFERRAL_NOT_ENROLLED: (Event.DECISION, Event.LAST_CHANGE),
    Kind.QUESTION: (Event.ANSWER,),
    Kind.CLOSED_ENROLLMENT: (Event.LAST_ENTRY, Event.CLOSURE),
    Kind.UPLOADED_FILE: (Event.CASE_ENDED,),
    Kind.ACCESS_LOG: (Event.LOGGED,),
    Kind.CHANGE_LOG: (Event.LOGGED,),
    Kind.NOTIFICATION: (Event.LAST_CHANGE,),
    Kind.REGISTER_EXTRACT: (Event.REQUESTED,),
    Kind.IDENTIFIED_ANSWER: (Event.CLOSURE,),
    Kind.ANONYMOUS_ANSWER: (Event.ANSWER,),
}


class RetentionRule(models.Model):
    """How long one kind of record is kept, counted from which event. One row per kind, seeded by a
    data migration with the defaults docs/operations.md explains; administrators edit them."""

    kind = models.CharField(_("slags uppgifter"), max_length=30, choices=Kind.choices, unique=True)
    event = models.CharField(_("räknas från"), max_length=20, choices=Event.choices)
    months = models.PositiveSmallIntegerField(
        _("bevaras (månader)"), validators=[MinValueValidator(1), MaxValueValidator(1200)]
    )
    # Off until an administrator has checked the period against the plan: gallring cannot be undone
    # (docs/decisions/0018-retention.md).
    active = models.BooleanField(
        _("gallras"),
        default=False,
        help_text=_(
            "Markera när perioden stämmer med förbundets dokumenthanteringsplan. "
            "Avmarkera för att tills vidare inte gallra detta slags uppgifter."
        ),
    )
    note = models.TextField(
        _("stöd i dokumenthanteringsplanen"), blank=True, help_text=_("T.ex. punkt och datum i förbundets plan.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("gallringsregel")
        verbose_name_plural = _("gallringsregler")
        constraints = [models.CheckConstraint(condition=Q(months__gte=1), name="retention_rule_months_positive")]

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def clean(self) -> None:
        if self.kind and self.event not in EVENTS.get(self.kind, ()):
            allowed = ", ".join(str(Event(e).label) for e in EVENTS.get(self.kind, ()))
            raise ValidationError({"event": _("Det här slaget av uppgifter räknas från: %s.") % allowed})
        if self.kind == Kind.ACCESS_LOG and self.months is not None and self.months < ACCESS_LOG_MIN_MONTHS:
            raise ValidationError({"months": _("Åtkomstloggen ska sparas minst fem år (60 månader).")})


class LegalHold(models.Model):
    """A spärr: nothing about this person (personnummer) is gallrad while it stands, whatever the
    rules say — e.g. a request for records, a complaint, a court case. Released by deleting the row
    (the change history keeps who placed and released it)."""

    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    reason = models.CharField(_("skäl"), max_length=300)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("spärr mot gallring")
        verbose_name_plural = _("spärrar mot gallring")

    def __str__(self) -> str:
        return f"Spärr {self.pk}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": f"pnr:{self.personnummer}"}


class RetentionRun(models.Model):
    """One run of gallring: the head of the gallringslogg. Holds no personal data."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schemalagd")
        COMMAND = "command", _("kommando")

    started_at = models.DateTimeField(_("startad"))
    finished_at = models.DateTimeField(_("klar"), null=True, blank=True)
    trigger = models.CharField(_("startad av"), max_length=10, choices=Trigger.choices, default=Trigger.SCHEDULE)
    error = models.CharField(_("fel"), max_length=300, blank=True)  # the exception's class name only

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("gallringskörning")
        verbose_name_plural = _("gallringslogg")

    def __str__(self) -> str:
        return f"Gallring {self.started_at:%Y-%m-%d %H:%M}"


class RetentionLogLine(models.Model):
    """How many records of one kind a run deleted or anonymised under one rule: counts only.
    Written in the same transaction as each batch, so the log never misses committed work."""

    class Action(models.TextChoices):
        DELETED = "deleted", _("raderade")
        ANONYMISED = "anonymised", _("avidentifierade")

    run = models.ForeignKey(RetentionRun, on_delete=models.CASCADE, related_name="lines")
    rule = models.CharField(_("regel"), max_length=30, choices=Kind.choices)
    record = models.CharField(_("slags post"), max_length=60)  # e.g. "Remiss", "Dokument", "Fil"
    action = models.CharField(_("åtgärd"), max_length=12, choices=Action.choices)
    count = models.PositiveIntegerField(_("antal"), default=0)
    # The rule as it was applied, so the log reads correctly after the rule is changed.
    months = models.PositiveSmallIntegerField(_("bevaras (månader)"))
    cutoff = models.DateField(_("gallrat till och med"))

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "rule", "record", "action"], name="retention_log_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.count} {self.record} {self.action}"


class RegisterExtract(models.Model):
    """A registerutdrag (GDPR art. 15): everything held on one personnummer, as a PDF with the stored
    files attached, built by the worker. The request, the build and every download are logged."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Skapas")
        READY = "ready", _("Klart")
        FAILED = "failed", _("Kunde inte skapas")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    personnummer = models.CharField(_("personnummer"), max_length=12)
    reason = models.CharField(_("ärende"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("beställt"), auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)  # a double submit orders once
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    pdf = models.FileField(upload_to="registerutdrag/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(_("skapat"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    first_downloaded_at = models.DateTimeField(_("först hämtat"), null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("registerutdrag")
        verbose_name_plural = _("registerutdrag")
        constraints = [
            models.CheckConstraint(condition=~Q(status="ready") | ~Q(sha256=""), name="register_extract_ready_has_pdf"),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="register_extract_status_idx")]

    def __str__(self) -> str:
        return f"Registerutdrag {self.pk}"

    @property
    def filename(self) -> str:
        """ASCII and without personal data, like every download's name."""
        return f"registerutdrag-{self.pk:06d}.pdf"

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": f"pnr:{self.personnummer}"}
