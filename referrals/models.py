"""The way into IST: referrals, consultative questions, samverkansteam meetings, information meetings."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import UserObjectPermissionBase

from ist.personnummer import masked
from ist.uploads import RandomName
from teams.models import Municipality, Organisation, Team

Kind = Organisation.Kind


class SupportKind(models.Model):
    """A main source of support (försörjning), SCB's categories as Finsam uses them. Data, not code."""

    code = models.SlugField(_("kod"), max_length=40, unique=True)
    label = models.CharField(_("benämning"), max_length=100)
    position = models.PositiveSmallIntegerField(_("ordning"), default=0)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["position", "label"]
        verbose_name = _("försörjningsform")
        verbose_name_plural = _("försörjningsformer")

    def __str__(self) -> str:
        return self.label


class ConsentHow(models.TextChoices):
    WRITTEN = "written", _("Skriftligt")
    ORAL = "oral", _("Muntligt")


class Referral(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        SUBMITTED = "submitted", _("Inkommen")
        NEEDS_INFO = "needs_info", _("Komplettering begärd")
        ON_AGENDA = "on_agenda", _("På dagordning")
        ACCEPTED = "accepted", _("Antagen – informationsmöte erbjuds")
        REJECTED = "rejected", _("Avslagen")
        READY = "ready", _("Vill börja – redo för inskrivning")
        DECLINED = "declined", _("Tackade nej")
        # The end of the life cycle (docs/decisions/0029): enrolled, closed, or withdrawn before a decision.
        ENROLLED = "enrolled", _("Inskriven")
        CLOSED = "closed", _("Avslutad")
        WITHDRAWN = "withdrawn", _("Återtagen")

    class Channel(models.TextChoices):
        WEB = "web", _("Webbformulär")
        PAPER = "paper", _("Papper eller e-post")
        AFTER_INFO_MEETING = "after_info_meeting", _("Efter informationsmöte utan remiss")

    class TimeOutside(models.TextChoices):
        UNDER_1 = "lt1", _("Kortare än 1 år")
        YEARS_1_2 = "1-2", _("1–2 år")
        YEARS_2_5 = "2-5", _("2–5 år")
        OVER_5 = "gt5", _("Mer än 5 år")
        UNKNOWN = "unknown", _("Okänt")

    # Where it is and how it came
    # Chosen from the municipality of residence; a draft may not have one yet.
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals", verbose_name=_("team")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    channel = models.CharField(_("inkom via"), max_length=20, choices=Channel.choices, default=Channel.WEB)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    received_on = models.DateField(_("inkom"), null=True, blank=True)
    answer_deadline = models.DateField(_("svar senast"), null=True, blank=True)
    # The answer clock pauses while a komplettering is with the referrer (referrals/deadline.py,
    # docs/decisions/0030): the day it was asked for while paused, and the days paused so far. On
    # resubmission `answer_deadline` moves by the pause, so every query on it stays right.
    paused_since = models.DateField(_("svarstiden pausad sedan"), null=True, blank=True, editable=False)
    paused_days = models.PositiveSmallIntegerField(_("dagar pausad"), default=0, editable=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An idempotency key from the form: a double click creates one referral.
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Optimistic locking: a save based on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    # The referrer (a user for web referrals; typed in for paper ones)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_sent",
        verbose_name=_("inremittent"),
    )
    referrer_name = models.CharField(_("inremittentens namn"), max_length=200, blank=True)
    referrer_phone = models.CharField(_("inremittentens telefon"), max_length=30, blank=True)
    referrer_email = models.EmailField(_("inremittentens e-post"), blank=True)
    referrer_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )

    # The person
    personnummer = models.CharField(_("personnummer"), max_length=12, blank=True)
    first_name = models.CharField(_("förnamn"), max_length=100, blank=True)
    last_name = models.CharField(_("efternamn"), max_length=100, blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    email = models.EmailField(_("e-post"), blank=True)
    address = models.TextField(_("adress"), blank=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("bor i kommun")
    )

    # The situation
    authorities_involved = models.JSONField(_("inblandade myndigheter"), default=list, blank=True)
    support_authority = models.CharField(
        _("ansvarig för försörjningen"), max_length=10, choices=Kind.choices, blank=True
    )
    support_contact_email = models.EmailField(
        _("e-post till handläggaren för försörjningen"),
        blank=True,
        help_text=_("Får besked om teamets beslut. Lämna tomt om det är du själv."),
    )
    support_kind = models.ForeignKey(
        SupportKind, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("försörjning")
    )
    time_outside = models.CharField(
        _("tid utanför arbetsmarknaden"), max_length=10, choices=TimeOutside.choices, blank=True
    )
    background = models.TextField(_("bakgrund"), blank=True)
    wishes = models.TextField(_("vad personen vill"), blank=True)
    obstacles = models.TextField(_("kända hinder"), blank=True)
    interpreter_needed = models.BooleanField(_("behöver tolk"), default=False)
    interpreter_language = models.CharField(_("tolkspråk"), max_length=60, blank=True)

    # Known circumstances the team weighs (checklist, not validation)
    substance_abuse = models.BooleanField(_("pågående missbruk"), default=False)
    threatening_behaviour = models.BooleanField(_("känt hotfullt beteende"), default=False)
    imminent_imprisonment = models.BooleanField(_("förestående fängelsevistelse"), default=False)
    full_sickness_compensation = models.BooleanField(_("hel sjukersättning"), default=False)

    # Skyddade personuppgifter, known at intake (docs/decisions/0019): flows to the participant at
    # enrolment, and the participant's flag is copied back to every referral of the person, so every
    # read can filter on this one column.
    protected_identity = models.BooleanField(
        _("skyddade personuppgifter"),
        default=False,
        help_text=_("Namn och personnummer visas bara för dem som arbetar med personen."),
    )
    # Whether the referrer ticked the flag themselves. Only that changes what the referrer sees of
    # their own referral: a flag set by the team, or copied from another record of the person, must
    # not show on the referrer's pages, or a referral would reveal that a personnummer is protected
    # (ist/privacy/identity.py, docs/decisions/0019).
    protected_identity_by_author = models.BooleanField(
        _("skyddade personuppgifter angivna av inremittenten"), default=False, editable=False
    )

    # Consent (samtycke) as a record (docs/decisions/0019): given (when, how, recorded by whom), its
    # scope (the referrer's organisation and other authorities by kind) and its withdrawal.
    consent_given = models.BooleanField(_("samtycke finns"), default=False)
    consent_date = models.DateField(_("samtycke lämnat"), null=True, blank=True)
    consent_how = models.CharField(_("samtycket lämnades"), max_length=10, choices=ConsentHow.choices, blank=True)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("samtycket registrerat av"),
    )
    consent_scope_referrer = models.BooleanField(_("samtycket gäller inremittentens organisation"), default=True)
    consent_scope_kinds = models.JSONField(_("samtycket gäller även"), default=list, blank=True)
    consent_scope = models.TextField(_("anteckning om samtycket"), blank=True)
    consent_withdrawn_on = models.DateField(_("samtycke återkallat"), null=True, blank=True)
    consent_withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återkallelsen registrerad av"),
    )

    attachment = models.FileField(_("inskannad remiss"), upload_to=RandomName("referrals"), blank=True)

    # The team's decision
    decision_reason = models.TextField(_("motivering"), blank=True)
    decided_at = models.DateTimeField(_("beslutad"), null=True, blank=True)

    # Withdrawn before a decision (by the referrer), or closed by the team after an unanswered
    # komplettering: when, by whom, and why (docs/decisions/0029).
    withdrawn_at = models.DateTimeField(_("återtagen"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("återtagen av"),
    )
    withdrawal_reason = models.TextField(_("skäl"), blank=True)

    # Set by gallring (ist/retention): the person's details are blanked, the counts stay.
    anonymised_at = models.DateTimeField(_("avidentifierad"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_on", "-created_at"]
        verbose_name = _("remiss")
        verbose_name_plural = _("remisser")
        indexes = [
            models.Index(fields=["team", "status"], name="referral_team_status_idx"),
            models.Index(fields=["status", "answer_deadline"], name="referral_status_deadline_idx"),
            models.Index(fields=["personnummer"], name="referral_pnr_idx"),
            models.Index(fields=["referrer", "status"], name="referral_referrer_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(team__isnull=False), name="referral_team_unless_draft"
            ),
        ]

    def __str__(self) -> str:
        return f"Remiss {self.pk}: {self.person_name or 'namn saknas'}"

    @property
    def person_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def personnummer_masked(self) -> str:
        return masked(self.personnummer)

    @property
    def consent_in_force(self) -> bool:
        """Consent given and not withdrawn: information may be exchanged within its scope."""
        return self.consent_given and self.consent_withdrawn_on is None

    def consent_covers(self, user: Any) -> bool:
        """May information about the person go to `user` (a party with an organisation)?

        The referrer's organisation when the scope includes it; another authority when its kind is
        in the scope. Nobody once the consent is withdrawn, and nobody outside IST without one."""
        if not self.consent_in_force:
            return False
        organisation = getattr(user, "organisation", None)
        if organisation is None:
            return False
        if self.referrer_organisation_id is not None and organisation.pk == self.referrer_organisation_id:
            return self.consent_scope_referrer
        return organisation.kind in (self.consent_scope_kinds or [])

    def consent_scope_labels(self) -> list[str]:
        labels = [str(_("Inremittentens organisation"))] if self.consent_scope_referrer else []
        names = dict(Kind.choices)
        return labels + [str(names.get(kind, kind)) for kind in self.consent_scope_kinds or []]

    @property
    def withdrawn_by_referrer(self) -> bool:
        """Withdrawn by the referrer (else closed by the team after an unanswered komplettering)."""
        return self.withdrawn_by_id is not None and self.withdrawn_by_id == self.referrer_id

    @property
    def is_open_for_referrer(self) -> bool:
        """The referrer may edit a draft and a referral sent back for more information."""
        return self.status in {self.Status.DRAFT, self.Status.NEEDS_INFO}

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"team": self.team_id}
        if self.personnummer:
            data["person"] = f"pnr:{self.personnummer}"
        return data


class ReferralUserObjectPermission(UserObjectPermissionBase):
    """Per-referral grants (guardian, direct foreign key): the referrer's right to follow it."""

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)


class ReferralEvent(models.Model):
    """The referral's timeline, shown to the team and (the parts meant for them) to the referrer."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Skickad")
        REGISTERED = "registered", _("Registrerad av teamet")
        INFO_REQUESTED = "info_requested", _("Komplettering begärd")
        RESUBMITTED = "resubmitted", _("Kompletterad och skickad igen")
        ON_AGENDA = "on_agenda", _("Satt på dagordning")
        TEAM_CHANGED = "team_changed", _("Flyttad till annat team")
        DECIDED = "decided", _("Beslut")
        INFO_MEETING_BOOKED = "info_meeting_booked", _("Informationsmöte bokat")
        INFO_MEETING_OUTCOME = "info_meeting_outcome", _("Informationsmötets utfall")
        CONSENT = "consent", _("Samtycke")
        ENROLLED = "enrolled", _("Inskriven")
        CLOSED = "closed", _("Avslutad")
        WITHDRAWN = "withdrawn", _("Återtagen av inremittenten")
        CLOSED_BY_TEAM = "closed_by_team", _("Avslutad av teamet efter obesvarad komplettering")

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.at:%Y-%m-%d}"


class ConsultativeQuestion(models.Model):
    """A partner's question to the samverkansteam, with or without naming the person."""

    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        ON_AGENDA = "on_agenda", _("På dagordning")
        ANSWERED = "answered", _("Besvarad")

    class Channel(models.TextChoices):
        WEB = "web", _("Webbformulär")
        PHONE = "phone", _("Telefon")
        VISIT = "visit", _("Besök")
        EMAIL = "email", _("E-post eller brev")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="questions", verbose_name=_("team"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    # The asker's account; empty for a question that came by phone or visit and was registered by a
    # coordinator (asker_name, organisation and asker_contact say who asked).
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_asked",
        verbose_name=_("frågeställare"),
    )
    channel = models.CharField(_("kom in via"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    asker_name = models.CharField(_("frågeställarens namn"), max_length=200, blank=True)
    asker_contact = models.CharField(_("frågeställarens telefon eller e-post"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    question = models.TextField(_("fråga"))
    personnummer = models.CharField(_("personnummer"), max_length=12, blank=True)
    person_name = models.CharField(_("personens namn"), max_length=200, blank=True)
    # A named question needs the person's consent, like a referral; an anonymous one does not.
    consent_given = models.BooleanField(_("samtycke finns"), default=False)
    consent_date = models.DateField(_("samtycke lämnat"), null=True, blank=True)
    consent_how = models.CharField(_("samtycket lämnades"), max_length=10, choices=ConsentHow.choices, blank=True)
    protected_identity = models.BooleanField(_("skyddade personuppgifter"), default=False)
    # Whether the asker ticked the flag themselves: only that changes what the asker sees (as on a referral).
    protected_identity_by_author = models.BooleanField(
        _("skyddade personuppgifter angivna av frågeställaren"), default=False, editable=False
    )
    answer = models.TextField(_("svar"), blank=True)
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True)
    created_at = models.DateTimeField(_("ställd"), auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    anonymised_at = models.DateTimeField(_("avidentifierad"), null=True, blank=True, editable=False)  # by gallring

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("konsultativ fråga")
        verbose_name_plural = _("konsultativa frågor")
        indexes = [models.Index(fields=["team", "status"], name="question_team_status_idx")]

    def __str__(self) -> str:
        return f"Fråga {self.pk}"

    @property
    def asker_label(self) -> str:
        """Who asked: the account's name, or the name the coordinator wrote down."""
        if self.asked_by is not None:
            return self.asked_by.get_full_name()
        return self.asker_name or "–"

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"team": self.team_id}
        if self.personnummer:
            data["person"] = f"pnr:{self.personnummer}"
        return data


class TeamMeeting(models.Model):
    """A samverkansteam meeting: agenda beforehand, attendance and decisions in it, minutes after."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("team"))
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Optimistic locking of the attendance list: a save based on an older list is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name = _("samverkansteamsmöte")
        verbose_name_plural = _("samverkansteamsmöten")
        indexes = [models.Index(fields=["team", "date"], name="meeting_team_date_idx")]

    def __str__(self) -> str:
        return f"{self.team} {self.date:%Y-%m-%d} {self.start_time:%H:%M}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"team": self.team_id}


class MeetingAttendance(models.Model):
    """Who attended for which organisation."""

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="attendances")
    organisation_kind = models.CharField(_("part"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=200)

    class Meta:
        ordering = ["organisation_kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "organisation_kind", "name"], name="attendance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_organisation_kind_display()})"


class AgendaItem(models.Model):
    """One referral or question on a meeting's agenda, with the team's decision."""

    if TYPE_CHECKING:  # set for the template by referrals.views.meetings._prepare
        authorities: list[str]
        form: Any

    class Decision(models.TextChoices):
        ACCEPT = "accept", _("Antas – informationsmöte erbjuds")
        REJECT = "reject", _("Avslås")
        MORE_INFO = "more_info", _("Mer information behövs")
        ANSWERED = "answered", _("Frågan besvarad")

    meeting = models.ForeignKey(TeamMeeting, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items")
    question = models.ForeignKey(
        ConsultativeQuestion, on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    decision = models.CharField(_("beslut"), max_length=20, choices=Decision.choices, blank=True)
    reasoning = models.TextField(_("motivering"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(referral__isnull=False, question__isnull=True)
                | Q(referral__isnull=True, question__isnull=False),
                name="agenda_item_one_subject",
            ),
            models.UniqueConstraint(fields=["meeting", "referral"], name="agenda_unique_referral"),
            models.UniqueConstraint(fields=["meeting", "question"], name="agenda_unique_question"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.referral or self.question}"

    def get_additional_data(self) -> dict[str, Any]:
        subject = self.referral or self.question
        return subject.get_additional_data() if subject else {}


class InformationMeeting(models.Model):
    """The first meeting where IST presents itself to the person; the referrer is invited."""

    class Outcome(models.TextChoices):
        WANTS_TO_START = "wants_to_start", _("Vill börja")
        DECLINES = "declines", _("Tackar nej")
        NO_SHOW = "no_show", _("Kom inte")

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="information_meetings")
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("tid"))
    place = models.CharField(_("plats"), max_length=200)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("från IST"))
    referrer_invited = models.BooleanField(_("inremittenten inbjuden"), default=True)
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("anteckning"), blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    form_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["-date", "-start_time"]
        verbose_name = _("informationsmöte")
        verbose_name_plural = _("informationsmöten")

    def __str__(self) -> str:
        return f"Informationsmöte {self.date:%Y-%m-%d} {self.start_time:%H:%M}"

    def get_additional_data(self) -> dict[str, Any]:
        return self.referral.get_additional_data()


def new_form_token() -> uuid.UUID:
    return uuid.uuid4()


class Letter(models.Model):
    """A letter on paper for someone without an account (docs/decisions/0032): the team's decision
    on a referral to a paper referrer or the support authority (beslutsbrev), or the person's
    invitation to the information meeting (kallelse). Rendered to PDF in a task with the shared
    letterhead (referrals/letters.py), stored with its SHA-256, downloaded by the coordinator, who
    prints it or sends it through the partner's secure channel and records that here."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Beslutsbrev")
        INVITATION = "invitation", _("Kallelse till informationsmöte")

    class Status(models.TextChoices):
        PENDING = "pending", _("Skapas")
        READY = "ready", _("Klar")

    class SentHow(models.TextChoices):
        POST = "post", _("Utskrivet och skickat med post")
        SECURE = "secure", _("Skickat via partnerns säkra kanal")
        HANDED = "handed", _("Lämnat personligen")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(_("slag"), max_length=20, choices=Kind.choices)
    # What the letter is about: the decision (agenda item) or the information meeting.
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="letters")
    information_meeting = models.ForeignKey(
        InformationMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    pdf = models.FileField(upload_to=RandomName("letters"), blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    render_attempts = models.PositiveSmallIntegerField(default=0)
    render_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_how = models.CharField(_("skickat hur"), max_length=10, choices=SentHow.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("brev")
        verbose_name_plural = _("brev")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="decision", agenda_item__isnull=False, information_meeting__isnull=True)
                | Q(kind="invitation", agenda_item__isnull=True, information_meeting__isnull=False),
                name="letter_one_subject",
            ),
            models.UniqueConstraint(fields=["agenda_item"], name="letter_unique_decision"),
            models.UniqueConstraint(fields=["information_meeting"], name="letter_unique_invitation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, remiss {self.referral_id}"

    @property
    def filename(self) -> str:
        """ASCII, no personal data: the kind and the referral's number (0009)."""
        prefix = "Beslutsbrev" if self.kind == self.Kind.DECISION else "Kallelse"
        return f"{prefix}-remiss-{self.referral_id}-{self.pk}.pdf"

    def get_additional_data(self) -> dict[str, Any]:
        return self.referral.get_additional_data()
