from __future__ import annotations

from django.urls import path

from ist.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log_review, name="log"),
    path("utdrag/", views.log_extract, name="extract"),
    path("anvandare/", views.actor_search, name="actor_search"),
]
