"""Demo only: every demo account gets the same, published authenticator-app secret, so the demo
logins of the README work with any authenticator app or with `python manage.py demo_totp`."""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from teams.demo import DOMAIN
from teams.models import User

# Published in the README: never on a real account (seed_demo runs with DEBUG=true only).
DEMO_TOTP_SECRET = "ISTDEMOHALLANDTVASTEGENDASTDEMOX"  # noqa: S105 - base32, 20 bytes, published demo secret
DEMO_DEVICE_NAME = "Demo-app (hemlig nyckel i README)"


def demo_key_hex() -> str:
    return b32decode(DEMO_TOTP_SECRET).hex()


def demo_code(at: float | None = None) -> str:
    """The demo app's current six digits (what an authenticator app with the secret shows)."""
    clock = TOTP(bytes.fromhex(demo_key_hex()), step=30, t0=0, digits=6, drift=0)
    clock.time = at if at is not None else time.time()
    return f"{clock.token():06d}"


def seed_demo_totp() -> str:
    """Give every demo account without an app the demo secret. Idempotent."""
    users = User.objects.filter(email__endswith=f"@{DOMAIN}").exclude(totpdevice__confirmed=True)
    devices = [TOTPDevice(user=u, name=DEMO_DEVICE_NAME, key=demo_key_hex(), confirmed=True) for u in users]
    TOTPDevice.objects.bulk_create(devices)
    return f"{len(devices)} demokonton fick demo-appen"
