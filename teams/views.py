from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from teams.auth import axes_username


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A completed password reset also lifts a lockout of that account:
    whoever holds the e-mailed link has proved they own the account."""

    def form_valid(self, form) -> HttpResponse:  # type: ignore[no-untyped-def]
        response = super().form_valid(form)
        axes_reset(username=axes_username(self.request, {"username": form.user.email}))
        return response
