from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from ist.health.views import healthz
from ist.home import views as home
from ist.login import urls as login_urls
from ist.login.reset import PasswordResetView
from teams import views as teams
from teams.forms import LoginForm

home_patterns = ([path("", home.start, name="start")], "home")
team_patterns = ([path("<slug:slug>/", teams.team_detail, name="detail")], "teams")

handler400 = "ist.web.bad_request"

urlpatterns = [
    path("", include(home_patterns)),
    path("konto/login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path(
        "konto/reset/<uidb64>/<token>/",
        teams.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("konto/password_reset/", PasswordResetView.as_view(), name="password_reset"),
    path("konto/", include("ist.login.urls")),
    path("konto/", include(login_urls.webauthn_patterns)),
    path("konto/", include("django.contrib.auth.urls")),
    path("team/", include(team_patterns)),
    path("remisser/", include("referrals.urls")),
    path("deltagare/", include("participants.urls")),
    path("logg/", include("ist.audit.urls")),
    path("att-gora/", include("ist.reminders.urls")),
    path("", include("ist.questionnaires.urls")),  # enkat/, deltagare/<pk>/enkat/
    path("", include("ist.retention.urls")),  # gallring/, registerutdrag/
    path("", include("reports.urls")),  # statistik/, oversikt/, rapporter/
    path("admin/", admin.site.urls),
    path("sprak/", login_not_required(set_language), name="set_language"),
    path("healthz", healthz, name="healthz"),
]
