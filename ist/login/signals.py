"""What happens at every login, whichever view logged the user in."""

from __future__ import annotations

from typing import Any

from axes.utils import reset as axes_reset
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from ist.login import sessions
from ist.login.policy import second_factor_required
from teams.models import User


@receiver(user_logged_in, dispatch_uid="ist.login.started")
def login_started(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    """Start the absolute lifetime and decide once whether this session needs a second step.

    The lockout count is reset only when the login is complete: after the password for an account
    without a second factor, otherwise after the second step (ist.login.views), so that logging in
    with the password again does not wipe the failed codes (AXES_RESET_ON_SUCCESS is off)."""
    if request is None or not hasattr(request, "session"):
        return
    sessions.start(request)
    required = second_factor_required(user)
    request.session[sessions.SECOND_FACTOR] = sessions.REQUIRED if required else sessions.EXEMPT
    if not required:
        axes_reset(username=user.email.lower())
