from __future__ import annotations

from django.urls import path

from ist.retention import views

app_name = "retention"

urlpatterns = [
    path("gallring/", views.overview, name="overview"),
    path("gallring/sparr/", views.hold_place, name="hold_place"),
    path("gallring/sparr/<int:pk>/hav/", views.hold_release, name="hold_release"),
    path("registerutdrag/", views.extracts, name="extracts"),
    path("registerutdrag/<uuid:public_id>/", views.extract_download, name="extract_download"),
]
