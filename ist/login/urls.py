from __future__ import annotations

from django.urls import include, path

from ist.login import views, webauthn

app_name = "signin"
urlpatterns = [
    path("tvasteg/", views.verify, name="verify"),
    path("tvasteg/ny/", views.enrol, name="enrol"),
    path("tvasteg/ny/app/", views.enrol_totp, name="enrol_totp"),
    path("tvasteg/ny/nyckel/", views.enrol_passkey, name="enrol_passkey"),
    path("tvasteg/reservkoder/", views.recovery_codes, name="recovery_codes"),
    path("tvasteg/faktorer/", views.factor_list, name="factors"),
    path("tvasteg/faktorer/<slug:kind>/<int:pk>/ta-bort/", views.factor_remove, name="factor_remove"),
    path("tvasteg/aterstall/<int:pk>/", views.factor_reset, name="reset"),
    path("session/", views.keepalive, name="keepalive"),
    path("formular/", views.restore, name="restore"),
]

webauthn_patterns = [path("tvasteg/webauthn/", include(webauthn.patterns))]
