from __future__ import annotations

from django.urls import path

from ist.reminders import views

app_name = "reminders"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("antal/", views.count, name="count"),
    path("<int:pk>/pausa/", views.snooze, name="snooze"),
    path("<int:pk>/klar/", views.done, name="done"),
    path("installningar/", views.preferences, name="preferences"),
]
