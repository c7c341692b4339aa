"""Who must use a second factor."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Model
from django_otp import devices_for_user

from ist.login.models import SecondFactorPolicy
from teams.models import User


def second_factor_required(user: User) -> bool:
    """True for every account that reaches personal data: team roles, referrers, administrators,
    and an account with no role yet (it may be given one at any time). The steering group sees
    aggregates only: the administrator's SecondFactorPolicy decides for it.

    IST_MFA_REQUIRED=false switches the requirement off (the test suite only; `check --deploy`
    refuses it in production)."""
    if not settings.IST_MFA_REQUIRED:
        return False
    steering_only = (
        user.is_steering_group and not user.is_administrator and not user.is_referrer and not user.memberships.exists()
    )
    if steering_only:
        return SecondFactorPolicy.current().steering_group
    return True


def has_factor(user: User) -> bool:
    """The user has at least one confirmed authenticator app or passkey (recovery codes alone are not one)."""
    return any(device_kind(d) != RECOVERY for d in devices_for_user(user, confirmed=True))


TOTP = "totp"
PASSKEY = "passkey"
RECOVERY = "recovery"


def device_kind(device: Model) -> str:
    label = type(device)._meta.label_lower
    return {
        "otp_totp.totpdevice": TOTP,
        "otp_static.staticdevice": RECOVERY,
    }.get(label, PASSKEY)
