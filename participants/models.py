"""The person (Participant), their stays in IST (Enrollment), phases, activities, closure, follow-up."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ist.personnummer import masked
from referrals.models import Referral, SupportKind
from teams.models import Municipality, Team

User = settings.AUTH_USER_MODEL


class Phase(models.TextChoices):
    PROVA_PA = "prova_pa", _("Prova på")
    ARBETSFORBEREDANDE = "arbetsforberedande", _("Arbetsförberedande")
    REDO_FOR_MER = "redo_for_mer", _("Redo för mer")
    ARBETSLIVSINRIKTAD = "arbetslivsinriktad", _("Arbetslivsinriktad rehabilitering")


PHASE_ORDER = list(Phase)


class RequirementCategory(models.TextChoices):
    """What the phases require per week (DOMAIN.md phase table). An activity counts toward the
    requirement of its kind's category (ActivityType.category), or toward none."""

    PHYSICAL = "fysisk", _("Fysisk träning")
    WORK_TRAINING = "arbetstraning", _("Arbetsträning")
    KNOWLEDGE = "kunskap", _("Kunskap och vägledning")
    TALK = "samtal", _("Individuellt samtal")


# The four kinds that were fixed in code have the codes of their categories (migration 0010 seeds
# them as ActivityType rows), so `ActivityKind.TALK` still names the kind "samtal".
ActivityKind = RequirementCategory


class ActivityType(models.Model):
    """A kind of activity a handledare logs, kept as data (issue 19): administrators add kinds and
    say which requirement category each counts toward (or none), individual or group, and the
    default duration that "närvarande, standardlängd" logs."""

    class Mode(models.TextChoices):
        INDIVIDUAL = "individual", _("Individuell")
        GROUP = "group", _("Grupp")

    code = models.SlugField(_("kod"), max_length=20, unique=True)
    name = models.CharField(_("benämning"), max_length=120)
    category = models.CharField(
        _("räknas mot krav"),
        max_length=20,
        choices=RequirementCategory.choices,
        blank=True,
        help_text=_("Det veckokrav aktiviteten räknas mot; tomt: räknas inte mot något krav."),
    )
    mode = models.CharField(_("form"), max_length=10, choices=Mode.choices, default=Mode.INDIVIDUAL)
    default_duration_minutes = models.PositiveSmallIntegerField(_("standardlängd (minuter)"), default=60)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True, help_text=_("Inaktiva slag går inte att logga nya av."))

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("aktivitetsslag")
        verbose_name_plural = _("aktivitetsslag")
        constraints = [
            models.CheckConstraint(
                condition=Q(default_duration_minutes__gte=5, default_duration_minutes__lte=600),
                name="activity_type_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Attendance(models.TextChoices):
    PRESENT = "present", _("Närvarande")
    EXCUSED = "excused", _("Anmäld frånvaro")
    UNEXCUSED = "unexcused", _("Oanmäld frånvaro")


class ValueList(models.Model):
    """A list of values kept as data (DESIGN.md "Reporting obligations"): administrators edit it."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    label = models.CharField(_("benämning"), max_length=120)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "label"]

    def __str__(self) -> str:
        return self.label


class EducationLevel(ValueList):
    class Meta(ValueList.Meta):
        verbose_name = _("utbildningsnivå")
        verbose_name_plural = _("utbildningsnivåer")


class Occupation(ValueList):
    class Meta(ValueList.Meta):
        verbose_name = _("sysselsättning")
        verbose_name_plural = _("sysselsättningar")


class ExitReason(ValueList):
    class Group(models.TextChoices):
        COMPLETION = "completion", _("Avslut enligt plan")
        INTERRUPTION = "interruption", _("Avbrott")

    group = models.CharField(_("grupp"), max_length=20, choices=Group.choices)
    to_work_or_studies = models.BooleanField(_("till arbete eller studier"), default=False)
    health = models.BooleanField(
        _("hälsoskäl"), default=False, help_text=_("Kräver att vårdgivaren och övriga parter har hörts.")
    )

    class Meta(ValueList.Meta):
        verbose_name = _("avslutsorsak")
        verbose_name_plural = _("avslutsorsaker")


REQUIREMENTS_SINCE_ALWAYS = date(2000, 1, 1)


class PhaseRequirement(models.Model):
    """What a phase offers per week in one requirement category, from `valid_from` until the next
    row of the same phase and category: the yardstick of the weekly follow-up (DOMAIN.md phase
    table). A change is a new row from a date, so weeks and reports before it keep the requirement
    they had (docs/decisions/0027). `count` 0: no requirement from that date."""

    phase = models.CharField(_("fas"), max_length=30, choices=Phase.choices)
    kind = models.CharField(_("kravkategori"), max_length=20, choices=RequirementCategory.choices)
    count = models.PositiveSmallIntegerField(_("antal"), default=1, help_text=_("0: inget krav från datumet."))
    per_weeks = models.PositiveSmallIntegerField(_("per antal veckor"), default=1)
    valid_from = models.DateField(
        _("gäller från"),
        default=REQUIREMENTS_SINCE_ALWAYS,
        help_text=_("Gäller veckor som börjar detta datum eller senare, tills ett nyare krav tar över."),
    )

    class Meta:
        ordering = ["phase", "kind", "valid_from"]
        verbose_name = _("faskrav")
        verbose_name_plural = _("faskrav")
        constraints = [
            models.UniqueConstraint(fields=["phase", "kind", "valid_from"], name="phase_requirement_unique_from"),
            models.CheckConstraint(condition=Q(per_weeks__gte=1), name="phase_requirement_per_weeks_positive"),
        ]

    def __str__(self) -> str:
        every = _("vecka") if self.per_weeks == 1 else f"{self.per_weeks} veckor"
        return (
            f"{self.get_phase_display()}: {self.get_kind_display()} {self.count} per {every} "
            f"från {self.valid_from:%Y-%m-%d}"
        )


class DurationRule(models.Model):
    """Inriktningstid by age at start: the aim and how far extensions may reach. Data, not code."""

    age_from = models.PositiveSmallIntegerField(_("ålder från"))
    age_to = models.PositiveSmallIntegerField(_("ålder till"))
    months = models.PositiveSmallIntegerField(_("inriktningstid (månader)"))
    max_months = models.PositiveSmallIntegerField(_("längst med förlängning (månader)"))

    class Meta:
        ordering = ["age_from"]
        verbose_name = _("inriktningstid")
        verbose_name_plural = _("inriktningstider")
        constraints = [
            models.CheckConstraint(condition=Q(age_to__gte=models.F("age_from")), name="duration_age_range"),
            models.CheckConstraint(condition=Q(max_months__gte=models.F("months")), name="duration_max_after_aim"),
        ]

    def __str__(self) -> str:
        return f"{self.age_from}–{self.age_to} år: {self.months} mån (högst {self.max_months})"


class Participant(models.Model):
    """The person. One row per personnummer, however many times they come to IST."""

    class Sex(models.TextChoices):
        FEMALE = "K", _("Kvinna")
        MALE = "M", _("Man")

    personnummer = models.CharField(_("personnummer"), max_length=12, unique=True)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.TextField(_("adress"), blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, verbose_name=_("bor i kommun"))
    sex = models.CharField(_("kön"), max_length=1, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("födelseår"))
    protected_identity = models.BooleanField(
        _("skyddade personuppgifter"),
        default=False,
        help_text=_(
            "Visas bara för personens handledare och teamets koordinatorer; "
            "aldrig i listor, sökningar eller exporter för andra."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking of corrections
    # Set by gallring (ist/retention): name, personnummer and contact blanked; sex, birth year and
    # municipality kept for the statistics of past periods.
    anonymised_at = models.DateTimeField(_("avidentifierad"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("deltagare")
        verbose_name_plural = _("deltagare")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def personnummer_masked(self) -> str:
        return masked(self.personnummer)

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": f"pnr:{self.personnummer}"}


class Enrollment(models.Model):
    """One stay in IST, from enrolment to closure."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Inskriven")
        CLOSED = "closed", _("Avslutad")

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="enrollments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="enrollments", verbose_name=_("team"))
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="enrollment"
    )
    responsible = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="enrollments_responsible", verbose_name=_("ansvarig handledare")
    )
    second_contact = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments_second",
        verbose_name=_("andra kontaktperson"),
    )
    start_date = models.DateField(_("startdatum"))
    target_end = models.DateField(_("inriktningstid till"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    anonymised_at = models.DateTimeField(_("avidentifierad"), null=True, blank=True, editable=False)  # by gallring

    # Entry variables (the association's SUS-style follow-up)
    support_at_entry = models.ForeignKey(
        SupportKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huvudsaklig försörjning vid start"),
    )
    months_in_support_before = models.PositiveSmallIntegerField(
        _("månader med offentlig försörjning före start"), null=True, blank=True
    )
    education = models.ForeignKey(
        EducationLevel, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("högsta utbildning")
    )
    occupation_before = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sysselsättning före"),
    )
    occupation_before_extent = models.PositiveSmallIntegerField(_("omfattning före (% av 40 h)"), null=True, blank=True)

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("inskrivning")
        verbose_name_plural = _("inskrivningar")
        constraints = [
            models.UniqueConstraint(
                fields=["participant"], condition=Q(status="active"), name="enrollment_one_active_per_person"
            ),
            models.CheckConstraint(
                condition=Q(occupation_before_extent__isnull=True) | Q(occupation_before_extent__lte=100),
                name="enrollment_extent_percent",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "status"], name="enrollment_team_status_idx"),
            models.Index(fields=["responsible", "status"], name="enrollment_responsible_idx"),
            models.Index(fields=["second_contact", "status"], name="enrollment_second_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} ({self.team}, {self.start_date:%Y-%m-%d})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": f"pnr:{self.participant.personnummer}", "team": self.team_id}


class EnrollmentEvent(models.Model):
    """The enrolment's timeline."""

    class Kind(models.TextChoices):
        ENROLLED = "enrolled", _("Inskriven")
        PHASE = "phase", _("Fasbyte")
        EXTENDED = "extended", _("Förlängd inriktningstid")
        REASSIGNED = "reassigned", _("Ny handledare")
        ACTIVITY_CORRECTED = "activity_corrected", _("Aktivitet rättad")
        CLOSED = "closed", _("Avslutad")
        FOLLOW_UP = "follow_up", _("Uppföljning")
        DOCUMENT = "document", _("Dokument")
        CONSENT = "consent", _("Samtycke")
        PROTECTED = "protected", _("Skyddade personuppgifter")
        TRANSFERRED = "transferred", _("Flyttad till annat team")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, related_name="+")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class Extension(models.Model):
    """A decision to extend the inriktningstid: by the samverkansteam at a meeting (linked to the
    agenda item's decision) or by the styrgrupp. Rows from before issue 18 keep their free text."""

    class DecidedIn(models.TextChoices):
        MEETING = "meeting", _("Samverkansteamet")
        STYRGRUPP = "styrgrupp", _("Styrgruppen")
        FREE_TEXT = "free_text", _("Annat (fritext, före ändringen)")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="extensions")
    previous_end = models.DateField(_("tidigare slut"))
    new_end = models.DateField(_("nytt slut"))
    decided_on = models.DateField(_("beslutsdatum"))
    decided_in = models.CharField(
        _("beslutat i"), max_length=10, choices=DecidedIn.choices, default=DecidedIn.FREE_TEXT
    )
    # The samverkansteam's decision this extension carries out (referrals builds nothing on participants).
    agenda_item = models.OneToOneField(
        "referrals.AgendaItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="extension",
        verbose_name=_("beslut på samverkansteamsmöte"),
    )
    decided_by = models.CharField(_("beslutat av"), max_length=200)
    reason = models.TextField(_("motivering"))
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["decided_on"]

    def __str__(self) -> str:
        return f"{self.previous_end:%Y-%m-%d} → {self.new_end:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


class PhasePeriod(models.Model):
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="phase_periods")
    phase = models.CharField(_("fas"), max_length=30, choices=Phase.choices)
    start = models.DateField(_("från"))
    end = models.DateField(_("till"), null=True, blank=True)
    reason = models.TextField(_("skäl"), blank=True)
    changed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrollment"], condition=Q(end__isnull=True), name="phase_period_one_open"),
        ]

    def __str__(self) -> str:
        return f"{self.get_phase_display()} {self.start:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


class Weekday(models.IntegerChoices):
    """ISO weekday order, Monday first (date.weekday())."""

    MONDAY = 0, _("måndag")
    TUESDAY = 1, _("tisdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lördag")
    SUNDAY = 6, _("söndag")


class ActivityGroup(models.Model):
    """A saved group (issue 19.4): the same participants meet for the same kind of activity on a
    usual weekday and time, so a session is logged in one go with everyone preselected as present.
    Never deleted once it has sessions: archived (docs/decisions/0035)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="activity_groups", verbose_name=_("team"))
    name = models.CharField(_("namn"), max_length=120)
    kind = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="kind",
        related_name="+",
        verbose_name=_("aktivitet"),
    )
    weekday = models.PositiveSmallIntegerField(_("veckodag"), choices=Weekday.choices)
    start_time = models.TimeField(_("klockan"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd (minuter)"))
    members = models.ManyToManyField(
        Enrollment, related_name="activity_groups", blank=True, verbose_name=_("deltagare")
    )
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("grupp")
        verbose_name_plural = _("grupper")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"team": self.team_id}

    @property
    def usual(self) -> str:
        """ "onsdagar 09:30" """
        return f"{Weekday(self.weekday).label}ar {self.start_time:%H:%M}"


class GroupSession(models.Model):
    """One physical-training or group work-training session, logged for many participants at once.
    A saved group's session has a start time; the same group, date and time is stored once."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="group_sessions")
    kind = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="kind",
        related_name="+",
        verbose_name=_("aktivitet"),
    )
    date = models.DateField(_("datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd (minuter)"))
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    led_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    group = models.ForeignKey(
        ActivityGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("grupp"),
    )
    start_time = models.TimeField(_("klockan"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)  # a whole session corrected at once

    class Meta:
        ordering = ["-date"]
        constraints = [
            # The refusal of a second identical session (Back + "Spara" with a new form): the same
            # group, date and start time. The service says so first; this catches a race.
            models.UniqueConstraint(
                fields=["group", "date", "start_time"],
                condition=Q(group__isnull=False),
                name="group_session_once_per_group_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.date:%Y-%m-%d}"

    def get_kind_display(self) -> str:
        """The kind's name (as when the kind was a choice); select_related("kind") in lists."""
        return self.kind.name


class Activity(models.Model):
    # No index of its own: activity_enrollment_date_idx starts with it.
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="activities", db_index=False)
    # The kind's code is the column's value (to_field), as the four codes were before kinds became data.
    kind = models.ForeignKey(
        ActivityType,
        on_delete=models.PROTECT,
        to_field="code",
        db_column="kind",
        related_name="activities",
        verbose_name=_("aktivitet"),
    )
    date = models.DateField(_("datum"))
    duration_minutes = models.PositiveSmallIntegerField(_("längd (minuter)"), default=60)
    attendance = models.CharField(_("närvaro"), max_length=10, choices=Attendance.choices, default=Attendance.PRESENT)
    note = models.CharField(_("anteckning"), max_length=300, blank=True)
    group_session = models.ForeignKey(
        GroupSession, on_delete=models.CASCADE, null=True, blank=True, related_name="activities"
    )
    logged_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)  # a double click logs once

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        indexes = [
            models.Index(fields=["enrollment", "date"], name="activity_enrollment_date_idx"),
            # The week_logs sweep: which enrolments have an activity in a week.
            models.Index(fields=["date", "enrollment"], name="activity_date_enrollment_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group_session", "enrollment"],
                condition=Q(group_session__isnull=False),
                name="activity_once_per_group_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.date:%Y-%m-%d}"

    def get_kind_display(self) -> str:
        """The kind's name (as when the kind was a choice); select_related("kind") in lists."""
        return self.kind.name

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


class Closure(models.Model):
    enrollment = models.OneToOneField(Enrollment, on_delete=models.PROTECT, related_name="closure")
    date = models.DateField(_("avslutsdatum"))
    reason = models.ForeignKey(ExitReason, on_delete=models.PROTECT, verbose_name=_("avslutsorsak"))
    occupation_after = models.ForeignKey(
        Occupation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sysselsättning efter"),
    )
    occupation_after_extent = models.PositiveSmallIntegerField(_("omfattning efter (% av 40 h)"), null=True, blank=True)
    support_after = models.ForeignKey(
        SupportKind,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("huvudsaklig försörjning efter"),
    )
    summary = models.TextField(_("sammanfattning"), blank=True)
    recommendations = models.TextField(_("rekommendationer och nästa steg"), blank=True)
    closing_meeting_on = models.DateField(_("avslutningsmöte"), null=True, blank=True)
    care_provider_consulted = models.BooleanField(_("vårdgivaren har hörts"), default=False)
    parties_consulted = models.BooleanField(_("övriga parter har hörts"), default=False)
    closed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(occupation_after_extent__isnull=True) | Q(occupation_after_extent__lte=100),
                name="closure_extent_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"Avslut {self.date:%Y-%m-%d}"

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


class FollowUp(models.Model):
    class Found(models.TextChoices):
        WORK = "work", _("Arbete")
        STUDIES = "studies", _("Studier")
        JOB_SEEKING = "job_seeking", _("Arbetssökande")
        OTHER = "other", _("Annat")
        NOT_REACHED = "not_reached", _("Gick inte att nå")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("månader efter avslut"))
    due_on = models.DateField(_("ska göras"))
    found = models.CharField(_("resultat"), max_length=20, choices=Found.choices, blank=True)
    note = models.TextField(_("anteckning"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on"]
        constraints = [models.UniqueConstraint(fields=["enrollment", "months"], name="follow_up_unique")]
        indexes = [models.Index(fields=["due_on", "found"], name="follow_up_due_idx")]

    def __str__(self) -> str:
        return f"Uppföljning {self.months} mån"

    def get_additional_data(self) -> dict[str, Any]:
        return self.enrollment.get_additional_data()


def new_form_token() -> uuid.UUID:
    return uuid.uuid4()


# The documents of a journey live in their own module; importing them here registers them with
# the participants app.
from participants.documents.models import (  # noqa: E402, F401
    Contact,
    Delivery,
    Document,
    DocumentRead,
    DocumentUserObjectPermission,
    Download,
    Evaluation,
    SubGoal,
)


class Transfer(models.Model):
    """An enrolment moving to another team (the person moves from Varberg to Halmstad): the sending
    team's coordinator proposes, the receiving team's accepts (a coordinator of both does it in one
    step). An accepted transfer is also the team-period record: the enrolment belonged to `from_team`
    until the day before `date` and to `to_team` from `date` (reports/statistics.py)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Föreslagen")
        ACCEPTED = "accepted", _("Genomförd")
        DECLINED = "declined", _("Avböjd")

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="transfers")
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("från team"))
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+", verbose_name=_("till team"))
    date = models.DateField(_("flyttdatum"))
    note = models.TextField(_("meddelande"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"], condition=Q(status="proposed"), name="transfer_one_open_per_enrollment"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_team} → {self.to_team} {self.date:%Y-%m-%d}"
