"""Password reset: limited per address and per client address, sent by the worker.

The request writes one row and queues one e-mail job for every address, known or not; the worker
decides whether there is an account to write to. So the answer and its timing are the same for
known and unknown addresses, and no SMTP work happens in the request."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ist.audit.recording import client_ip
from ist.login.models import PasswordResetRequest
from ist.messaging.registry import link, register, send
from teams.models import User

KIND = "auth.password_reset"
WINDOW = timedelta(hours=1)
KEEP = timedelta(days=1)


def _key(kind: str, value: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def password_reset_request(*, email: str, client: str | None) -> bool:
    """Queue a reset e-mail for `email` unless this address, or this client address, has asked
    IST_PASSWORD_RESET_PER_ADDRESS / IST_PASSWORD_RESET_PER_CLIENT times within the hour.
    Returns whether a job was queued (the caller's answer must not depend on it)."""
    now = timezone.now()
    email = email.strip().lower()
    email_key, client_key = _key("email", email), _key("client", client or "-")
    PasswordResetRequest.objects.filter(at__lt=now - KEEP).delete()
    recent = PasswordResetRequest.objects.filter(at__gte=now - WINDOW)
    within_limits = (
        recent.filter(email_key=email_key).count() < settings.IST_PASSWORD_RESET_PER_ADDRESS
        and recent.filter(client_key=client_key).count() < settings.IST_PASSWORD_RESET_PER_CLIENT
    )
    row = PasswordResetRequest.objects.create(email=email, email_key=email_key, client_key=client_key)
    if within_limits:
        send(KIND, row.pk, key="requested")
    return within_limits


@register(KIND)
def reset_email(request_id: int) -> tuple[str, str, list[str]]:
    """Built by the worker when it sends: the link is made then, with Django's token generator
    (valid PASSWORD_RESET_TIMEOUT, and spent by changing the password). No account, a deactivated
    one or one without a password: DoesNotExist, and nothing is sent."""
    row = PasswordResetRequest.objects.get(pk=request_id)
    user = User.objects.get(email__iexact=row.email, is_active=True)
    if not user.has_usable_password():
        raise User.DoesNotExist
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    body = render_to_string("registration/password_reset_email.html", {"email": user.email, "link": link(path)})
    subject = render_to_string("registration/password_reset_subject.txt").strip()
    return subject, body, [user.email]


class PasswordResetView(auth_views.PasswordResetView):
    """Django's form and pages; what happens on a valid address is ours (above)."""

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        password_reset_request(email=form.cleaned_data["email"], client=client_ip(self.request))
        return HttpResponseRedirect(self.get_success_url())
