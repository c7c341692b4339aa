from __future__ import annotations

from django.apps import AppConfig


class LoginConfig(AppConfig):
    """Strong login: the second factor, password reset, session lifetime."""

    name = "ist.login"
    label = "login"
    verbose_name = "Inloggning"

    def ready(self) -> None:
        from ist.login import reset, signals  # noqa: F401 - registers the e-mail builder and signal receivers
