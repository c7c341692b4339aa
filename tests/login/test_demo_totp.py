"""The demo logins of the README: every demo account has the published secret, and
`manage.py demo_totp` prints the code an authenticator app shows."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from ist.login.demo import DEMO_TOTP_SECRET, seed_demo_totp
from teams.demo import DEMO_PASSWORD, seed_organisation
from teams.models import User

pytestmark = pytest.mark.django_db


def test_every_demo_account_logs_in_with_the_code_demo_totp_prints(client, settings) -> None:
    settings.IST_MFA_REQUIRED = True
    settings.DEBUG = True
    seed_organisation()
    seed_demo_totp()
    seed_demo_totp()  # idempotent
    demo_users = User.objects.filter(email__endswith="@ist.example")
    assert TOTPDevice.objects.filter(user__in=demo_users, confirmed=True).count() == demo_users.count()

    out = StringIO()
    call_command("demo_totp", stdout=out)
    assert DEMO_TOTP_SECRET in out.getvalue()
    code = re.findall(r"Kod nu: (\d{6})", out.getvalue())[0]

    client.post(reverse("login"), {"username": "styrgrupp@ist.example", "password": DEMO_PASSWORD})
    response = client.post(reverse("signin:verify"), {"code": code})
    assert response.url == reverse("home:start")
    assert client.get(reverse("home:start")).status_code == 200


def test_demo_totp_refuses_without_debug(settings) -> None:
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("demo_totp", stdout=StringIO())
