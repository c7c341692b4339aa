"""`check --deploy` refuses a production configuration left on the embedded default."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.database, deploy=True)
def embedded_default_in_production(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    problems = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        problems.append(
            Warning("DATABASE_URL is not set: production would run on SQLite.", hint="Set DATABASE_URL.", id="ist.W001")
        )
    # The embedded broker (a SQLite file, docs/decisions/0014) and kombu's filesystem transport
    # serve one machine and lose a message whose worker is killed.
    if settings.CELERY_BROKER_URL.startswith(("sqlite:", "filesystem:")):
        problems.append(
            Warning(
                "CELERY_BROKER_URL is not set to Redis: production would use the embedded broker "
                f"({settings.CELERY_BROKER_URL}).",
                hint="Set CELERY_BROKER_URL to Redis.",
                id="ist.W002",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def second_factor_in_production(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """The second factor may be off in the test suite only (docs/decisions/0017-second-factor.md)."""
    if settings.IST_MFA_REQUIRED:
        return []
    return [
        Error(
            "IST_MFA_REQUIRED is off: accounts with access to personal data would log in with a password only.",
            hint="Remove IST_MFA_REQUIRED from the environment (it is on by default).",
            id="ist.E003",
        )
    ]
