"""Every change to a user's second factors: enrol, confirm, recovery codes, remove, reset."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db import transaction
from django_otp import devices_for_user
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from ist.login.models import SecondFactorReset
from ist.login.policy import PASSKEY, RECOVERY, TOTP, device_kind
from teams.models import User

log = logging.getLogger("ist.security")

RECOVERY_CODE_COUNT = 10
DEVICE_MODELS: dict[str, type[Device]] = {TOTP: TOTPDevice, RECOVERY: StaticDevice, PASSKEY: WebAuthnCredential}
NAMES = {TOTP: "Autentiseringsapp", PASSKEY: "Passkey eller säkerhetsnyckel", RECOVERY: "Reservkoder"}


@dataclass(frozen=True)
class Factor:
    """One confirmed factor as the user sees it in the list."""

    kind: str
    pk: int
    name: str
    created: object


def factors_of(user: User) -> list[Factor]:
    """The user's confirmed authenticator apps and passkeys (not the recovery codes)."""
    factors = []
    for device in devices_for_user(user, confirmed=True):
        kind = device_kind(device)
        if kind != RECOVERY:
            created = getattr(device, "created_at", None) or getattr(device, "created", None)
            factors.append(Factor(kind=kind, pk=device.pk, name=device.name or NAMES[kind], created=created))
    return factors


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def totp_begin(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator-app secret for the user. An earlier unconfirmed one (an
    enrolment left halfway) is replaced, so a QR code shown once never stays valid unconfirmed."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=NAMES[TOTP], confirmed=False)


@transaction.atomic
def totp_confirm(*, user: User, device_id: int, token: str) -> TOTPDevice | None:
    """Confirm the unconfirmed secret with a code the app shows; None if the code is wrong
    (or the secret is gone). Idempotent: a second confirm of a confirmed device returns None."""
    device = TOTPDevice.objects.select_for_update().filter(user=user, pk=device_id, confirmed=False).first()
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    log.info("user %s enrolled an authenticator app (device %s)", user.pk, device.pk)
    return device


@transaction.atomic
def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new one-time recovery codes; the earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=NAMES[RECOVERY], confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    log.info("user %s got new recovery codes", user.pk)
    return codes


@transaction.atomic
def verify_code(*, user: User, token: str) -> Device | None:
    """The authenticator app or recovery code that accepts `token`, or None. A recovery code
    works once (django-otp deletes it); an app code once per 30 seconds (its last step is kept).
    The devices are locked while checking, so one code sent twice at once is accepted once."""
    token = "".join(token.split()).lower()
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if device_kind(device) in (TOTP, RECOVERY) and device.verify_token(token):
            return device
    return None


@transaction.atomic
def factor_remove(*, user: User, kind: str, pk: int) -> bool:
    """Remove one of the user's apps or passkeys; never the last one. False if refused or gone."""
    model = DEVICE_MODELS.get(kind)
    if model is None or kind == RECOVERY:
        return False
    # Lock the user's row: two removals at once must not both see "another one is left".
    User.objects.select_for_update().filter(pk=user.pk).first()
    if len(factors_of(user)) <= 1:
        return False
    removed, _ = model.objects.filter(user=user, pk=pk).delete()
    if removed:
        log.info("user %s removed a %s (device %s)", user.pk, kind, pk)
    return bool(removed)


@transaction.atomic
def factors_reset(*, user: User, by: User, reason: str) -> SecondFactorReset | None:
    """Remove every factor and recovery code of `user` (lost phone or key), after an administrator
    has checked their identity outside the app. Recorded with who and why. The user's sessions
    lose their verification at once (their device is gone) and they enrol again at the next login.
    None if the user had no factors: a double submit records one reset."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    removed = 0
    for model in DEVICE_MODELS.values():
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    if removed == 0:
        return None  # nothing to reset (e.g. the same reset sent twice): nothing recorded twice
    reset = SecondFactorReset.objects.create(user=user, by=by, reason=reason.strip(), devices_removed=removed)
    log.warning("user %s: second factors reset by %s (%s removed)", user.pk, by.pk, removed)
    return reset
