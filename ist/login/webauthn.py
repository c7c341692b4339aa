"""Passkeys and security keys (WebAuthn) through django-otp-webauthn, as a second factor only.

The library's JSON endpoints do the ceremonies; our own static/js/passkey.js drives them (Swedish
messages, no inline script). Failed assertions count toward the account's lockout like a wrong code."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_otp_webauthn import views as library
from django_otp_webauthn.helpers import WebAuthnHelper

from ist.login.lockout import record_second_step_failure


class Helper(WebAuthnHelper):
    """The relying party is the site the browser talks to: IST_WEBAUTHN_RP_ID if set, otherwise the
    request's host (validated by ALLOWED_HOSTS), and the origin must be this site's own."""

    def get_relying_party_domain(self) -> str:
        return settings.IST_WEBAUTHN_RP_ID or self.request.get_host().rsplit(":", 1)[0]

    def get_relying_party_name(self) -> str:
        return "IST Halland"

    def get_allowed_origins(self) -> list[str]:
        return [self.request.build_absolute_uri("/").rstrip("/")]


class CompleteAuthentication(library.CompleteCredentialAuthenticationView):
    """The library's view; a refused assertion is a failed second step for django-axes, and a
    successful one completes the login (the lockout count starts again)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user if request.user.is_authenticated else None
        response = super().dispatch(request, *args, **kwargs)
        if user is not None and response.status_code >= 400:
            return record_second_step_failure(request, user) or response
        if user is not None:
            axes_reset(username=user.email.lower())
        return response


patterns = (
    [
        path(
            "registrering/start/",
            library.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registrering/klar/",
            library.CompleteCredentialRegistrationView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "verifiering/start/",
            library.BeginCredentialAuthenticationView.as_view(),
            name="credential-authentication-begin",
        ),
        path("verifiering/klar/", CompleteAuthentication.as_view(), name="credential-authentication-complete"),
    ],
    "otp_webauthn",
)
