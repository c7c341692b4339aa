"""Handlingsplaner, återrapporter and avslutssammanfattningar: documents written for a journey and
delivered to the referrer as PDFs.

One `Document` model carries the shared life cycle (draft → pending → final, versions, the stored
PDF, who may download it); the kind decides which content fields are used. Sub-goals and the
evaluation of the previous plan's sub-goals are rows of their own. These models belong to the
participants app (imported by participants/models.py).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from ist.uploads import RandomName

User = settings.AUTH_USER_MODEL


class Document(models.Model):
    class Kind(models.TextChoices):
        ACTION_PLAN = "action_plan", _("Handlingsplan")
        REPORT = "report", _("Återrapport")
        CLOSING = "closing", _("Avslutssammanfattning")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        PENDING = "pending", _("Slutförd – PDF skapas")
        FINAL = "final", _("Slutförd")

    class Direction(models.TextChoices):
        WORK = "work", _("Arbete")
        STUDIES = "studies", _("Studier")
        WORK_AND_STUDIES = "both", _("Arbete och studier")

    # The address of the document in URLs: not guessable, unlike the primary key.
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    enrollment = models.ForeignKey(
        "participants.Enrollment", on_delete=models.PROTECT, related_name="documents", verbose_name=_("inskrivning")
    )
    kind = models.CharField(_("dokument"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("nummer"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction", verbose_name=_("rättar")
    )
    change_note = models.TextField(_("vad som ändrats"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    period_start = models.DateField(_("period från"), null=True, blank=True)
    period_end = models.DateField(_("period till"), null=True, blank=True)

    # Handlingsplan
    direction = models.CharField(_("inriktning"), max_length=10, choices=Direction.choices, blank=True)
    goal = models.TextField(_("deltagarens mål"), blank=True)
    planned_activities = models.JSONField(_("planerade aktiviteter per vecka"), default=list, blank=True)
    support = models.TextField(_("stöd från parterna"), blank=True)
    own_words = models.TextField(_("deltagarens egna ord"), blank=True)
    # Återrapport
    progress = models.TextField(_("fas och utveckling"), blank=True)
    changes = models.TextField(_("förändringar som påverkar processen"), blank=True)
    # Återrapport: attendance per activity kind, computed when the report is finalised and kept,
    # so the PDF and the page show the numbers the referrer was given.
    attendance = models.JSONField(_("närvaro per aktivitet"), default=list, blank=True)
    phase_label = models.CharField(_("fas"), max_length=60, blank=True)
    assessment = models.TextField(_("bedömning"), blank=True)
    # Avslutssammanfattning
    summary = models.TextField(_("sammanfattning"), blank=True)
    recommendations = models.TextField(_("rekommendationer"), blank=True)
    # Återrapport and avslutssammanfattning
    next_steps = models.TextField(_("nästa steg"), blank=True)

    # The participant's agreement to a plan
    agreed_on = models.DateField(_("deltagaren godkände"), null=True, blank=True)
    signed_copy = models.FileField(
        _("inskannad underskriven plan"), upload_to=RandomName("documents/signed"), blank=True
    )
    signed_returned_on = models.DateField(_("underskriven kopia återkom"), null=True, blank=True)

    # Optimistic locking: every save of the draft states the revision it was based on.
    revision = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finalised_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    finalised_at = models.DateTimeField(_("slutförd"), null=True, blank=True)

    # The stored PDF: rendered once by a task, served on every download.
    pdf = models.FileField(upload_to="documents/pdf/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)

    class Meta:
        ordering = ["enrollment", "kind", "number", "version"]
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "kind", "number", "version"], name="document_unique_version"),
            # One draft at a time per kind: a second "new plan" click opens the same draft.
            models.UniqueConstraint(
                fields=["enrollment", "kind"], condition=Q(status="draft"), name="document_one_draft_per_kind"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(finalised_at__isnull=False), name="document_final_has_time"
            ),
            models.CheckConstraint(condition=~Q(status="final") | ~Q(sha256=""), name="document_final_has_pdf"),
        ]
        indexes = [
            models.Index(fields=["enrollment", "kind", "status"], name="document_enrollment_kind_idx"),
            models.Index(fields=["status", "finalised_at"], name="document_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}" + (f" v{self.version}" if self.version > 1 else "")

    @property
    def reference(self) -> str:
        """The document id printed on the PDF and shown in lists."""
        prefix = {"action_plan": "HP", "report": "ÅR", "closing": "AS"}[self.kind]
        return f"{prefix}-{self.pk:06d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


class DocumentUserObjectPermission(UserObjectPermissionBase):
    """Per-document grants (guardian, direct foreign key): the referrer's and chosen parties' right to
    download a final document. Given and revoked by participants.documents.services."""

    content_object = models.ForeignKey(Document, on_delete=models.CASCADE)


class Responsible(models.TextChoices):
    PARTICIPANT = "participant", _("Deltagaren")
    IST = "ist", _("IST")
    KOMMUN = "kommun", _("Kommunen")
    AF = "af", _("Arbetsförmedlingen")
    FK = "fk", _("Försäkringskassan")
    REGION = "region", _("Region Halland")
    OTHER = "other", _("Annan part")


class SubGoal(models.Model):
    """A handlingsplan's delmål: what, through which activities, who is responsible, by when."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sub_goals")
    position = models.PositiveSmallIntegerField(default=0)
    goal = models.TextField(_("delmål"), blank=True)
    activities = models.TextField(_("aktiviteter"), blank=True)
    responsible = models.CharField(_("ansvarig"), max_length=20, choices=Responsible.choices, blank=True)
    due_on = models.DateField(_("klart senast"), null=True, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.goal[:60]


class Evaluation(models.Model):
    """A new plan's evaluation of one sub-goal of the previous plan (copied from it, so the
    evaluation stays readable whatever happens to the old plan)."""

    class Result(models.TextChoices):
        MET = "met", _("Uppfyllt")
        PARTLY = "partly", _("Delvis uppfyllt")
        NOT_MET = "not_met", _("Inte uppfyllt")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="evaluations")
    position = models.PositiveSmallIntegerField(default=0)
    goal = models.TextField(_("delmål i förra planen"))
    result = models.CharField(_("bedömning"), max_length=10, choices=Result.choices, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.goal[:60]


class Contact(models.Model):
    """A party around the participant (e.g. the handläggare at FK) with an account, to whom the
    handledare can deliver documents. Removing a contact revokes their document grants."""

    enrollment = models.ForeignKey("participants.Enrollment", on_delete=models.CASCADE, related_name="contacts")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("person"))
    role = models.CharField(_("roll"), max_length=120, blank=True, help_text=_("T.ex. handläggare sjukpenning."))
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "user"], name="contact_unique")]

    def __str__(self) -> str:
        return str(self.user)


class Delivery(models.Model):
    """A document delivered to one person: granted, and told once the PDF is ready."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    is_referrer = models.BooleanField(default=False)
    delivered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    delivered_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)  # claimed by a conditional update: told once
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivered_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["document", "recipient"], name="delivery_unique")]

    def __str__(self) -> str:
        return f"{self.document} → {self.recipient}"


class Download(models.Model):
    """Every download of a stored PDF: the handledare sees who fetched which version and when."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="downloads")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["document", "at"], name="download_document_idx")]

    def __str__(self) -> str:
        return f"{self.document} {self.user} {self.at:%Y-%m-%d %H:%M}"


class DocumentRead(models.Model):
    """A recipient has downloaded a document (once is enough): the inbox marks the others "Ny".
    Per user and per version, written by the download (services.document_mark_read)."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    first_read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "document"], name="document_read_once")]

    def __str__(self) -> str:
        return f"{self.document} läst av {self.user}"
