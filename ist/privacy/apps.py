from __future__ import annotations

from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    """How a person is shown to a user: protected identity (skyddade personuppgifter)."""

    name = "ist.privacy"
    label = "privacy"
    verbose_name = "Integritet"
