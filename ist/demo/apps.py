from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ist.demo"
    label = "demo"
    verbose_name = "Demodata"
