"""The organisation: users, the five teams, municipalities, partners, memberships."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ist.uploads import RandomName

# What an administrator manages in the admin: whole configuration apps, and the
# value lists and rules of the case apps. Participant data is deliberately
# absent: administrators see it only through a team role.
ADMINISTRATOR_APPS = frozenset({"teams", "axes", "login"})
ADMINISTRATOR_MODELS = frozenset(
    {
        "referrals.supportkind",
        "participants.phaserequirement",
        "participants.durationrule",
        "participants.educationlevel",
        "participants.occupation",
        "participants.exitreason",
        "notifications.deadlinesettings",
        "retention.retentionrule",
        "outbox.message",
        # The questionnaires as data (ist/questionnaires); never the answers.
        "questionnaires.indicator",
        "questionnaires.questionnaire",
        "questionnaires.questionnaireversion",
        "questionnaires.question",
        "questionnaires.option",
        "questionnaires.duerule",
    }
)


def administrator_may(perm: str) -> bool:
    """Model permission "app.action_model" that administrators hold."""
    app_label, _, codename = perm.partition(".")
    model = codename.partition("_")[2]
    return app_label in ADMINISTRATOR_APPS or f"{app_label}.{model}" in ADMINISTRATOR_MODELS


class Team(models.Model):
    name = models.CharField(_("namn"), max_length=100, unique=True)
    slug = models.SlugField(_("kortnamn"), max_length=50, unique=True)
    email = models.EmailField(_("e-post"), blank=True)
    # Told of new work (a new or completed referral, a new question) by number and link only.
    mailbox = models.EmailField(
        _("funktionsbrevlåda"),
        blank=True,
        help_text=_(
            "Får ett meddelande (utan personuppgifter) när en remiss eller fråga kommer in. Lämna tomt för inget."
        ),
    )
    # The team's part of the letterhead on documents (ist/pdf/letterhead.py).
    address = models.TextField(_("postadress"), blank=True, help_text=_("Visas i brevhuvudet på teamets dokument."))
    phone = models.CharField(_("telefon"), max_length=40, blank=True)
    active = models.BooleanField(_("aktivt"), default=True)
    answer_deadline_days = models.PositiveSmallIntegerField(
        _("svarstid för remisser (dagar)"),
        default=14,
        help_text=_("Inremittenten ska ha svar inom så här många dagar från att remissen kom in."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("team")

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"team": self.pk}


class Letterhead(models.Model):
    """The installation's part of the letterhead on every document: the association's name, logo
    and address. One row (pk 1), edited by administrators; the team's address, phone and e-mail are
    on the team. Read by ist/pdf/letterhead.py."""

    name = models.CharField(_("förbundets namn"), max_length=150)
    address = models.TextField(_("förbundets adress"), blank=True)
    logo = models.FileField(
        _("logotyp"),
        upload_to=RandomName("letterhead"),
        blank=True,
        help_text=_("PNG eller JPEG. Visas i brevhuvudet, högst 18 mm hög."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("brevhuvud")
        verbose_name_plural = _("brevhuvud")
        constraints = [models.CheckConstraint(condition=models.Q(pk=1), name="letterhead_single_row")]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(_("kommunkod"), max_length=4, unique=True)
    name = models.CharField(_("namn"), max_length=100, unique=True)
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("team"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A partner organisation (part) whose staff refer people or sit in a samverkansteam."""

    class Kind(models.TextChoices):
        KOMMUN = "kommun", _("Kommun")
        AF = "af", _("Arbetsförmedlingen")
        FK = "fk", _("Försäkringskassan")
        REGION = "region", _("Region Halland")
        OTHER = "other", _("Annan")

    kind = models.CharField(_("typ"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("namn"), max_length=150)
    unit = models.CharField(_("enhet"), max_length=150, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("kommun"),
        help_text=_("För kommunala enheter: vilken kommun."),
    )
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        ordering = ["kind", "name", "unit"]
        verbose_name = _("partnerorganisation")
        verbose_name_plural = _("partnerorganisationer")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name", "unit"], name="organisation_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.unit}" if self.unit else self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        """`createsuperuser` makes an administrator; nobody bypasses permission checks."""
        fields.pop("is_superuser", None)
        fields.pop("is_staff", None)
        fields["is_administrator"] = True
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who logs in: IST staff, samverkansteam members, referrers, administrators."""

    email = models.EmailField(_("e-post"), unique=True)
    first_name = models.CharField(_("förnamn"), max_length=100)
    last_name = models.CharField(_("efternamn"), max_length=100)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    title = models.CharField(_("befattning"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_("Avaktivera i stället för att ta bort: inloggningen stoppas, inget raderas."),
    )
    is_administrator = models.BooleanField(
        _("administratör"),
        default=False,
        help_text=_("Förbundets administratör: hanterar team, kommuner, organisationer och användare."),
    )
    is_steering_group = models.BooleanField(
        _("styrgrupp"), default=False, help_text=_("Ser bara sammanställd statistik.")
    )
    is_referrer = models.BooleanField(
        _("inremittent"),
        default=False,
        help_text=_("Handläggare hos en part som skickar remisser. Kräver organisation."),
    )
    date_joined = models.DateTimeField(_("skapad"), default=timezone.now)
    # When the account was deactivated: the day the coordinators' "Att göra" item about the work the
    # user left behind is dated (docs/decisions/0019).
    deactivated_at = models.DateTimeField(_("avaktiverad"), null=True, blank=True, editable=False)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["first_name", "last_name"]

    if TYPE_CHECKING:
        # Set on request.user by django_otp's OTPMiddleware: the second factor was given this session.
        is_verified: Callable[[], bool]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("användare")
        verbose_name_plural = _("användare")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(is_referrer=False) | models.Q(organisation__isnull=False),
                name="user_referrer_has_organisation",
                violation_error_message=_("En inremittent måste höra till en organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    def get_additional_data(self) -> dict[str, Any]:
        """Audit context: the person a log entry about this user concerns."""
        return {"person": f"user:{self.pk}"}

    @property
    def is_staff(self) -> bool:
        """The Django admin is open to administrators only."""
        return self.is_active and self.is_administrator

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        if obj is None and self.is_staff and administrator_may(perm):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        administered = app_label in ADMINISTRATOR_APPS or any(
            m.startswith(f"{app_label}.") for m in ADMINISTRATOR_MODELS
        )
        return (self.is_staff and administered) or super().has_module_perms(app_label)


class Membership(models.Model):
    """A user's role in one team. A user may hold roles in several teams."""

    class Role(models.TextChoices):
        KOORDINATOR = "koordinator", _("Teamkoordinator")
        HANDLEDARE = "handledare", _("Handledare")
        SAMVERKANSTEAM = "samverkansteam", _("Samverkansteam")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("användare"))
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("team"))
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        ordering = ["team__name", "role"]
        verbose_name = _("teamroll")
        verbose_name_plural = _("teamroller")
        constraints = [
            models.UniqueConstraint(fields=["user", "team", "role"], name="membership_unique_role"),
        ]
        indexes = [models.Index(fields=["team", "role"], name="membership_team_role_idx")]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.team}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"person": f"user:{self.user_id}", "team": self.team_id}
