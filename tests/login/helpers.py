"""Real TOTP codes, computed here as an authenticator app would, and a login through both steps."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def app_code(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """What the app shows now (or `steps_ahead` 30-second steps later: the server accepts one step
    of clock difference, and a code once used cannot be used again in its own step)."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    clock.time = time.time() + steps_ahead * device.step
    return f"{clock.token():0{device.digits}d}"


def app_for(user, name: str = "Telefon") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def log_in_with_password(client, user, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": user.email, "password": password})


def log_in_fully(client, user, device: TOTPDevice) -> None:
    """Password, then the app's code: a session with the second factor given."""
    assert log_in_with_password(client, user).status_code == 302
    response = client.post(reverse("signin:verify"), {"code": app_code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
