from __future__ import annotations

from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "ist.home"
    label = "home"
    verbose_name = "Start"
