"""Real TOTP codes, computed here as an authenticator app would, and a login through both steps."""

from __future__ import annotations

import time

from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


def app_code(device: TOTPDevice) -> str:
    """What the app shows now."""
    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, 0)
    clock.time = time.time()
    return f"{clock.token():0{device.digits}d}"


def app_for(user, name: str = "Telefon") -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=name, confirmed=True)


def log_in_with_password(client, user, password: str = PASSWORD):
    return client.post(reverse("login"), {"username": user.email, "password": password})


def log_in_fully(client, user, device: TOTPDevice) -> str:
    """Password, then the app's code: a session with the second factor given. Returns the code
    spent (a step may tick over between this and a later `app_code`)."""
    assert log_in_with_password(client, user).status_code == 302
    code = app_code(device)
    response = client.post(reverse("signin:verify"), {"code": code})
    assert response.status_code == 302, response.content.decode()[:500]
    return code
