"""Settings for the IST case-management system.

One file, configured by environment variables (see `.env.example`). With no
variables beyond DEBUG=true the app runs on the embedded default: SQLite and
kombu's SQLAlchemy transport on a second SQLite file, both under `var/`.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("IST_VAR_DIR", BASE_DIR / "var")).resolve()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int_list(name: str, default: list[int]) -> list[int]:
    try:
        return [int(item) for item in env_list(name, [str(d) for d in default])]
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be comma-separated whole numbers") from exc


def env_secret(name: str, default: str = "") -> str:
    """Read NAME, or the file NAME_FILE points at (Docker/Kubernetes secrets)."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path!r} cannot be read: {exc}") from exc
    return os.environ.get(name, default)


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required unless DEBUG=true (see .env.example)")
    SECRET_KEY = "django-insecure-development-only-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "ist.adminsite.ISTAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "csp",
    "guardian",
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "teams",
    "referrals",
    "participants",
    "reports",
    "ist.audit",
    "ist.messaging",
    "ist.outbox",
    "ist.reminders",
    "ist.health",
    "ist.home",
    "ist.retention",
    "ist.questionnaires",
    "ist.privacy",
    "ist.demo",
    "ist.login",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ist.login.sessions.NoStoreMiddleware",  # outermost after static files: sees every final answer
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ist.home.language.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor given
    "ist.web.QueryStringGuardMiddleware",  # NUL in a query parameter: 400, not a 500 in a view
    "ist.web.HtmxLoginRequiredMiddleware",  # Django's LoginRequiredMiddleware, htmx-aware
    "ist.login.sessions.SecondFactorMiddleware",  # after the password, only the second step opens
    "django.contrib.messages.middleware.MessageMiddleware",
    "ist.login.sessions.SessionLifetimeMiddleware",  # after messages: the login page says why
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "ist.audit.middleware.AuditlogMiddleware",
    # Axes must be last: it turns a lockout raised during login into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ist.urls"
WSGI_APPLICATION = "ist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "ist.home.context_processors.navigation",
                "ist.health.context_processors.worker_alert",
            ],
        },
    }
]

# --- Data -----------------------------------------------------------------

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'ist.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The embedded default has web, worker and beat writing at once: take the
    # write lock at BEGIN and let readers run beside a writer.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions ------------------------------------------

AUTH_USER_MODEL = "teams.User"
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out account before any password check.
    "axes.backends.AxesStandaloneBackend",
    "teams.auth.LoginBackend",  # ModelBackend that tells a deactivated user so (after the right password)
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home:start"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # a reset link is valid for three hours

# A session ends after 30 minutes without activity: every request renews it.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
# ... and at the latest this long after login, however active (docs/decisions/0004).
IST_SESSION_MAX_SECONDS = env_int("IST_SESSION_MAX_SECONDS", 10 * 60 * 60)
# The page warns this long before the idle limit ("Du loggas ut om 2 minuter").
IST_SESSION_WARNING_SECONDS = env_int("IST_SESSION_WARNING_SECONDS", 2 * 60)
if IST_SESSION_MAX_SECONDS < SESSION_COOKIE_AGE or IST_SESSION_WARNING_SECONDS >= SESSION_COOKIE_AGE:
    raise ImproperlyConfigured("Need IST_SESSION_WARNING_SECONDS < SESSION_IDLE_SECONDS <= IST_SESSION_MAX_SECONDS")

# Second factor (docs/decisions/0017-second-factor.md): required for every account that reaches
# personal data. Off only in the test suite's own settings; `check --deploy` refuses it off.
IST_MFA_REQUIRED = env_bool("IST_MFA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "IST Halland"
# Passkeys are a second factor after the password, never a login by themselves: the password step
# stays behind django-axes.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_HELPER_CLASS = "ist.login.webauthn.Helper"
OTP_WEBAUTHN_RP_NAME = "IST Halland"
# The WebAuthn relying party: the site's host name; set it when the site answers on several names.
IST_WEBAUTHN_RP_ID = env_str("IST_WEBAUTHN_RP_ID")
# Password reset e-mails: at most this many requests per address and per client address an hour.
IST_PASSWORD_RESET_PER_ADDRESS = env_int("IST_PASSWORD_RESET_PER_ADDRESS", 3)
IST_PASSWORD_RESET_PER_CLIENT = env_int("IST_PASSWORD_RESET_PER_CLIENT", 10)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Repeated failed logins lock the account for a while.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Per account only. Partner staff sit behind shared NAT addresses: a per-address
# lockout would lock a whole office out after one person's typos. axes.W006
# (which asks for the address) is silenced for that reason; see
# docs/decisions/0004-sessions-and-lockout.md.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = [
    "axes.W006",
    # django-otp-webauthn asks for a fixed relying party and origins; ist.login.webauthn.Helper takes
    # them from the validated host (or IST_WEBAUTHN_RP_ID) instead.
    "otp_webauthn.E010",
    "otp_webauthn.E030",
]
# Reset when the whole login is complete, not after the password: ist.login.signals and views.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
# Count "Anna@x.se" and "anna@x.se" as one account, as the login itself does.
AXES_USERNAME_CALLABLE = "teams.auth.axes_username"
AXES_CLIENT_IP_CALLABLE = "ist.audit.recording.client_ip"
# Behind the proxy of docker-compose.yml the client's address is in X-Forwarded-For;
# trust that header only when a proxy that overwrites it is in front.
USE_X_FORWARDED_FOR = env_bool("USE_X_FORWARDED_FOR", default=False)

# django-guardian: no anonymous user row (our User logs in by e-mail only).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Audit ----------------------------------------------------------------

AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False
AUDIT_RETENTION_YEARS = 5  # kept at least this long (see docs/operations.md)

# --- Internationalisation -------------------------------------------------

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("Engelska"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ist.formats"]  # YYYY-MM-DD and 24-hour time in every language

# --- Static files ---------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names need `collectstatic`; runserver serves the plain files.
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
# Where the file-based e-mail backend (django.core.mail.backends.filebased.EmailBackend) writes.
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "IST Halland <noreply@ist.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security headers -----------------------------------------------------

SECURE = env_bool("SECURE", default=not DEBUG)  # served over HTTPS behind a proxy
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SECURE_SSL_REDIRECT = SECURE
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # probes talk plain HTTP inside the network
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Preload is hard to undo: set SECURE_HSTS_PRELOAD=false until the domain is ready for it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# No inline scripts or styles anywhere; htmx is served from our own origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Celery ---------------------------------------------------------------

# Unset, the embedded default: a SQLite file under var/ (ist/embedded_broker.py,
# docs/decisions/0014-embedded-broker.md). Web, worker, beat and management commands all read
# this one absolute path.
EMBEDDED_BROKER_FILE = VAR_DIR / "celery" / "broker.sqlite3"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL") or f"sqlite:///{EMBEDDED_BROKER_FILE}"
CELERY_BROKER_TRANSPORT: str | None = None
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("sqlite:"):
    EMBEDDED_BROKER_FILE.parent.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT = "ist.embedded_broker:Transport"
    # An idle worker looks for work this often (a plain read); the default 1 s would make a
    # fresh demo's burst of mails and sweeps take minutes, as the worker waits that long after
    # each round of prefetched tasks.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"polling_interval": 0.1}
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # Redis: a message not acknowledged within this time is delivered again.
        "visibility_timeout": 60 * 60,
        # A Redis that vanished without closing the connection (a network cut) is noticed by TCP
        # keepalive and kombu's health check (every 25 s) instead of a worker waiting for ever.
        "socket_keepalive": True,
        "socket_connect_timeout": 5,
    }
# A broker outage never ends the worker: it retries for as long as it takes (Celery's default
# gives up after 100 attempts, about 45 minutes, and the worker exits). /healthz and the
# administrators' banner show the silence meanwhile.
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# A task that kills its worker is not redelivered forever; sweeps recompute anyway.
CELERY_TASK_REJECT_ON_WORKER_LOST = False
# With acks_late on Redis, a connection blip would otherwise run a task twice.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
# A worker heartbeat older than this (seconds) makes /healthz answer 503 and shows administrators
# a banner; beat sends one every minute (below). A web process that has seen none calls the
# worker silent only this long after it started (ist/health/worker.py).
IST_WORKER_SILENT_AFTER_S = 120
IST_WORKER_STARTUP_GRACE_S = env_int("IST_WORKER_STARTUP_GRACE_S", 180)
CELERY_BEAT_SCHEDULE = {
    # Every minute: proves worker and beat are alive (/healthz, the administrators' banner). Keep it
    # well under IST_WORKER_SILENT_AFTER_S.
    "heartbeat": {"task": "ist.health.tasks.record_heartbeat", "schedule": 60.0},
    # Every night at 03:10: remove expired sessions.
    "clear-expired-sessions": {
        "task": "ist.health.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=10),
    },
    # Reminders (ist/reminders): every sweep recomputes from the database, so it runs often
    # and a run lost with a worker is repaired by the next. Every hour at :05, :10, :15 and :20.
    "sweep-referrals": {"task": "ist.reminders.tasks.sweep_referrals", "schedule": crontab(minute=5)},
    "sweep-journey": {"task": "ist.reminders.tasks.sweep_journey", "schedule": crontab(minute=10)},
    "sweep-documents": {"task": "ist.reminders.tasks.sweep_documents", "schedule": crontab(minute=15)},
    # Work a deactivated user left behind (also swept at once by the deactivation itself).
    "sweep-handover": {"task": "ist.reminders.tasks.sweep_handover", "schedule": crontab(minute=20)},
    # Questionnaires due (ist/questionnaires/reminders.py): occasions change by the day only; every
    # night at 02:40, and at once after a questionnaire is handed out (the service's narrowed sweep).
    "sweep-questionnaires": {
        "task": "ist.reminders.tasks.sweep_questionnaires",
        "schedule": crontab(hour=2, minute=40),
    },
    # Every night at 02:30: report deadlines change by the day only.
    "sweep-reports": {"task": "ist.reminders.tasks.sweep_reports", "schedule": crontab(hour=2, minute=30)},
    # Weekdays at 07:00: the daily e-mail digest, one per user and day. Again at 07:30, which sends
    # only a digest the first run did not get out (a worker that died gives up its claim after 10 min).
    "send-digests": {
        "task": "ist.reminders.tasks.send_digests",
        "schedule": crontab(hour=7, minute="0,30", day_of_week="mon-fri"),
    },
    # Every minute: hand what waits in the outbox (e-mails and tasks written with a change) to the
    # broker, and release e-mails whose worker died mid-send (ist/outbox, docs/decisions/0013-outbox.md).
    "relay-outbox": {"task": "ist.outbox.tasks.relay_outbox", "schedule": 60.0},
    # Every 10 minutes: queue again the PDFs of finalised documents whose render task was lost.
    "render-pending-documents": {
        "task": "participants.documents.tasks.render_pending_documents",
        "schedule": 600.0,
    },
    # Every 10 minutes: the standard quarterly and half-year reports once a period has ended (see
    # IST_REPORT_BUILD_AFTER_DAYS), and again the builds whose task was lost.
    "sweep-report-files": {"task": "reports.tasks.sweep_reports_files", "schedule": 600.0},
    # Every 5 minutes: count the finished days whose activities changed into the daily rollup that
    # Statistik reads (reports/rollup.py); until then Statistik counts those days live.
    "refresh-activity-rollup": {"task": "reports.tasks.refresh_activity_rollup", "schedule": 300.0},
    # Every night at 01:40 (before the sweeps and the digest, when nobody works): gallring by the
    # retention rules (ist/retention). A run only removes what is due, so a lost or doubled run is
    # harmless; the next night catches up.
    "retention": {"task": "ist.retention.tasks.run_retention", "schedule": crontab(hour=1, minute=40)},
}

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "ist.security": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- The product ------------------------------------------------------------

IST_ORGANISATION_NAME = "Samordningsförbundet i Halland"
IST_BASE_URL = env_str("IST_BASE_URL", "http://127.0.0.1:8000")  # for links in e-mail
# ISO weekdays (1 = Monday) on which the daily reminder e-mail goes out; what comes up on other
# days waits for the next one. Keep in step with the "send-digests" beat entry above.
IST_DIGEST_WEEKDAYS = frozenset(env_int_list("IST_DIGEST_WEEKDAYS", [1, 2, 3, 4, 5]))
if not IST_DIGEST_WEEKDAYS.issubset(range(1, 8)):
    raise ImproperlyConfigured("IST_DIGEST_WEEKDAYS takes ISO weekdays 1 (Monday) to 7 (Sunday)")

# Statistics that leave a team (steering group, association, exports) show counts from 1 to
# this threshold minus one as "<N" (reports/suppression.py).
IST_SMALL_COUNT_THRESHOLD = env_int("IST_SMALL_COUNT_THRESHOLD", 5)
if IST_SMALL_COUNT_THRESHOLD < 3:
    # "<2" could only mean 1: the mark itself would give the count away (docs/decisions/0025).
    raise ImproperlyConfigured("IST_SMALL_COUNT_THRESHOLD must be at least 3")
# The quarterly and half-year reports for all teams and each team are built by the worker this many
# days after the period ends (time for the last activities to be logged); anyone can rebuild later.
IST_REPORT_BUILD_AFTER_DAYS = env_int("IST_REPORT_BUILD_AFTER_DAYS", 7)
# Gallring deletes or anonymises this many records per transaction (ist/retention): short
# transactions, so the nightly run never holds locks long on tables people work in.
IST_RETENTION_BATCH_SIZE = env_int("IST_RETENTION_BATCH_SIZE", 100)
if IST_RETENTION_BATCH_SIZE < 1:
    raise ImproperlyConfigured("IST_RETENTION_BATCH_SIZE must be at least 1")
if IST_REPORT_BUILD_AFTER_DAYS < 0:
    raise ImproperlyConfigured("IST_REPORT_BUILD_AFTER_DAYS cannot be negative")
# Uploaded files (a scanned referral, a signed plan): at most this many MB each (ist/uploads.py).
IST_UPLOAD_MAX_MB = env_int("IST_UPLOAD_MAX_MB", 10)
if not 1 <= IST_UPLOAD_MAX_MB <= 100:
    raise ImproperlyConfigured("IST_UPLOAD_MAX_MB must be between 1 and 100")
