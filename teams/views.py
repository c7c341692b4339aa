from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ist.audit.recording import get_visible_or_404
from ist.http import AuthenticatedHttpRequest
from teams.auth import axes_username
from teams.selectors import team_directory_for


@require_safe
def team_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """A team's members and municipalities. Another team's page is a 404, and the attempt is logged."""
    team = get_visible_or_404(request, team_directory_for(request.user), what="teamsida", slug=slug)
    return render(request, "teams/detail.html", {"team": team})


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A completed password reset also lifts a lockout of that account:
    whoever holds the e-mailed link has proved they own the account."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        axes_reset(username=axes_username(self.request, {"username": form.user.email}))
        return response
