"""The participant's voice: questionnaires as data, with frozen versions (docs/decisions/0036).

A `Questionnaire` has numbered `QuestionnaireVersion`s; publishing a version freezes its questions and
options (`FrozenVersion`, checked here at model level so that neither the admin nor a script can change
a published version), and answers always point at the version they answered. A new version is a copy
of the last one as a draft.

`Response` holds one set of answers. An anonymous response stores no link to a person, an enrolment, a
user or the link it came through: only the team, the month and the respondent group (and a random
primary key, so that row order cannot be matched to when a link was used). An identified response
(the self-assessment) links to the enrolment.
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

from participants.models import Enrollment
from teams.models import Team


class FrozenVersion(ValidationError):  # noqa: N818 - named for what it is, as ist.errors.StaleEdit
    """A published version's questions and options cannot change."""

    def __init__(self) -> None:
        super().__init__(_("Versionen är publicerad och kan inte ändras. Skapa en ny version."), code="frozen")


class RespondentGroup(models.TextChoices):
    DURING = "deltagare_pagaende", _("Deltagare, pågående insats")
    AT_END = "deltagare_avslut", _("Deltagare, avslutad insats")
    REFERRER = "inremittent", _("Inremittent")
    STAFF = "personal", _("Personal")


class How(models.TextChoices):
    LINK = "lank", _("Engångslänk")
    PARTICIPANT_MODE = "deltagarlage", _("Deltagarläge")
    PAPER = "papper", _("Inskrivet från papper")


class Indicator(models.Model):
    """What a question's "positive" answers are counted toward, e.g. "Stöd till stor nytta"."""

    name = models.CharField(_("namn"), max_length=150, unique=True)
    description = models.TextField(_("beskrivning"), blank=True)
    goal_percent = models.PositiveSmallIntegerField(
        _("mål (% positiva)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")

    def __str__(self) -> str:
        return self.name


class Questionnaire(models.Model):
    name = models.CharField(_("namn"), max_length=150, unique=True)
    respondent_group = models.CharField(_("svarande"), max_length=20, choices=RespondentGroup.choices)
    anonymous = models.BooleanField(
        _("anonym"),
        default=True,
        help_text=_(
            "Anonyma svar sparas utan koppling till person eller inskrivning (bara team, månad och svarsgrupp). "
            "Avmarkera för självskattningar som följs över tid."
        ),
    )
    active = models.BooleanField(_("i bruk"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("enkät")
        verbose_name_plural = _("enkäter")

    def __str__(self) -> str:
        return self.name


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions", verbose_name=_("enkät")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    intro = models.TextField(_("inledning"), blank=True, help_text=_("Visas överst för den som svarar."))
    published_at = models.DateTimeField(_("publicerad"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("enkätversion")
        verbose_name_plural = _("enkätversioner")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.name}, version {self.number}"

    @property
    def published(self) -> bool:
        return self.published_at is not None


def _published(version_id: int | None) -> bool:
    if version_id is None:
        return False
    return QuestionnaireVersion.objects.filter(pk=version_id, published_at__isnull=False).exists()


class FrozenQuerySet(models.QuerySet):
    """Bulk update and delete refuse rows of a published version, as `save` and `delete` do."""

    version_path = "version"

    def _touches_published(self) -> bool:
        return self.filter(**{f"{self.version_path}__published_at__isnull": False}).exists()

    def update(self, **kwargs: Any) -> int:
        if self._touches_published():
            raise FrozenVersion
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        if self._touches_published():
            raise FrozenVersion
        return super().delete()


class OptionQuerySet(FrozenQuerySet):
    version_path = "question__version"


class Question(models.Model):
    class Type(models.TextChoices):
        SCALE = "skala", _("Skala med namngivna steg")
        SINGLE = "ett_val", _("Ett svarsalternativ")
        MULTIPLE = "flera_val", _("Flera svarsalternativ")
        TEXT = "fritext", _("Fritext")

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions", verbose_name=_("version")
    )
    order = models.PositiveSmallIntegerField(_("ordning"))
    text = models.CharField(_("fråga"), max_length=400)
    help_text = models.CharField(_("hjälptext"), max_length=400, blank=True)
    answer_type = models.CharField(_("svarstyp"), max_length=10, choices=Type.choices)
    required = models.BooleanField(_("obligatorisk"), default=True)
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("indikator"),
        help_text=_("Svarsalternativ markerade som positiva räknas till indikatorns andel positiva."),
    )
    measures_progress = models.BooleanField(
        _("mäter steg mot arbete"),
        default=False,
        help_text=_("Skalfråga i en självskattning: deltagarsidan visar den över tid."),
    )

    objects = FrozenQuerySet.as_manager()

    class Meta:
        ordering = ["version", "order", "pk"]
        verbose_name = _("fråga")
        verbose_name_plural = _("frågor")
        constraints = [
            models.UniqueConstraint(fields=["version", "order"], name="question_order_unique"),
            models.CheckConstraint(
                condition=Q(measures_progress=False) | Q(answer_type="skala"), name="question_progress_is_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Why here: the freeze must hold for every way in (admin, shell, a script), not only the services.
        if self._frozen():
            raise FrozenVersion
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _published(self.version_id):
            raise FrozenVersion
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        # The admin's form shows the refusal beside the question instead of failing on save.
        if self._frozen():
            raise FrozenVersion

    @property
    def has_options(self) -> bool:
        return self.answer_type != self.Type.TEXT

    def _frozen(self) -> bool:
        """In a published version now, or moved out of one."""
        before = type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first() if self.pk else None
        return _published(self.version_id) or _published(before)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("fråga"))
    order = models.PositiveSmallIntegerField(_("ordning"))
    label = models.CharField(_("svarsalternativ"), max_length=200)
    # The step on a scale (1 = lowest): what progression and "moved toward work" compare.
    value = models.SmallIntegerField(_("värde"), default=0)
    positive = models.BooleanField(_("räknas som positivt"), default=False)

    objects = OptionQuerySet.as_manager()

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("svarsalternativ")
        verbose_name_plural = _("svarsalternativ")
        constraints = [models.UniqueConstraint(fields=["question", "order"], name="option_order_unique")]

    def __str__(self) -> str:
        return self.label

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._frozen():
            raise FrozenVersion
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if _published(self._version_id(self.question_id)):
            raise FrozenVersion
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        # The admin's form shows the refusal beside the option instead of failing on save.
        if self._frozen():
            raise FrozenVersion

    def _frozen(self) -> bool:
        old = type(self).objects.filter(pk=self.pk).values_list("question_id", flat=True).first() if self.pk else None
        return _published(self._version_id(self.question_id)) or _published(self._version_id(old))

    def _version_id(self, question_id: int | None) -> int | None:
        if question_id is None:
            return None
        return Question.objects.filter(pk=question_id).values_list("version_id", flat=True).first()


class DueRule(models.Model):
    """When a questionnaire is due for an enrolment (rules as data; ist/questionnaires/due.py computes them)."""

    class Trigger(models.TextChoices):
        ENROLMENT = "inskrivning", _("Vid inskrivning")
        EVERY = "var_n_manad", _("Var N:e månad under inskrivningen")
        CLOSURE = "avslut", _("Vid avslut")

    class Recipient(models.TextChoices):
        PARTICIPANT = "deltagare", _("Deltagaren")
        REFERRER = "inremittent", _("Inremittenten")

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="due_rules", verbose_name=_("enkät")
    )
    trigger = models.CharField(_("när"), max_length=15, choices=Trigger.choices)
    months = models.PositiveSmallIntegerField(
        _("var N:e månad"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    recipient = models.CharField(_("till"), max_length=15, choices=Recipient.choices, default=Recipient.PARTICIPANT)
    days_open = models.PositiveSmallIntegerField(
        _("dagar att svara"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("Så länge syns enkäten i Att göra efter att den blivit aktuell."),
    )
    active = models.BooleanField(_("i bruk"), default=True)

    class Meta:
        ordering = ["questionnaire", "pk"]
        verbose_name = _("regel för när enkäten ska besvaras")
        verbose_name_plural = _("regler för när enkäten ska besvaras")
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger="var_n_manad", months__isnull=False) | ~Q(trigger="var_n_manad"),
                name="due_rule_every_needs_months",
            ),
        ]

    def __str__(self) -> str:
        if self.trigger == self.Trigger.EVERY:
            return f"{self.questionnaire}: var {self.months}:e månad"
        return f"{self.questionnaire}: {self.get_trigger_display().lower()}"

    def clean(self) -> None:
        if self.trigger == self.Trigger.EVERY and not self.months:
            raise ValidationError({"months": _("Ange antal månader.")})


class Invitation(models.Model):
    """A questionnaire handed out for one occasion of one enrolment: by link, in deltagarläge or on paper.
    What "Att göra" checks off. Never referred to by an anonymous response."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    rule = models.ForeignKey(DueRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitations")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="questionnaire_invitations")
    occasion = models.DateField(_("tillfälle"))
    how = models.CharField(_("hur"), max_length=15, choices=How.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        indexes = [models.Index(fields=["enrollment", "rule", "occasion"], name="invitation_occasion_idx")]

    def __str__(self) -> str:
        return f"Utskick {self.occasion:%Y-%m-%d}"


class AnswerLink(models.Model):
    """A one-time link: the random token is shown once (link, QR code, e-mail) and stored only hashed."""

    invitation = models.ForeignKey(Invitation, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("engångslänk")
        verbose_name_plural = _("engångslänkar")

    def __str__(self) -> str:
        return f"Engångslänk {self.pk}"


class Response(models.Model):
    """One set of answers. Anonymous: team, month and respondent group only (no person, enrolment, user,
    link or exact time). Identified: the enrolment and the day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    respondent_group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    month = models.DateField(_("månad"))  # the first day of the month it was answered
    how = models.CharField(_("hur"), max_length=15, choices=How.choices)
    identified = models.BooleanField(default=False)
    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, null=True, blank=True, related_name="questionnaire_responses"
    )
    answered_on = models.DateField(_("besvarad"), null=True, blank=True)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        constraints = [
            models.CheckConstraint(
                condition=(Q(identified=True, enrollment__isnull=False, answered_on__isnull=False))
                | Q(identified=False, enrollment__isnull=True, answered_on__isnull=True),
                name="response_anonymous_has_no_person",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "month"], name="response_team_month_idx"),
            models.Index(fields=["enrollment", "answered_on"], name="response_enrollment_idx"),
        ]

    def __str__(self) -> str:
        return f"Svar {self.month:%Y-%m}"


class Answer(models.Model):
    """One answer to one question; a question with several choices has one row per chosen option."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers")
    text = models.TextField(blank=True)

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        indexes = [models.Index(fields=["question", "option"], name="answer_question_option_idx")]

    def __str__(self) -> str:
        return f"Svar på fråga {self.question_id}"
