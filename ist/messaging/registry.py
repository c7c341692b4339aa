"""E-mail notifications: each app registers a builder per kind; one task sends them.

A builder takes an object id and returns (subject, body, recipients). Messages
carry no more personal data than needed: numbers and links, details behind login.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail
from django.db import transaction

Builder = Callable[[int], tuple[str, str, list[str]]]

_builders: dict[str, Builder] = {}

FOOTER = "\nIndividsamverkansteamen i Halland\n(Meddelandet innehåller inga personuppgifter; svara inte på det.)\n"


def register(kind: str) -> Callable[[Builder], Builder]:
    def decorate(builder: Builder) -> Builder:
        _builders[kind] = builder
        return builder

    return decorate


def link(path: str) -> str:
    return f"{settings.IST_BASE_URL.rstrip('/')}{path}"


def send_after_commit(kind: str, object_id: int) -> None:
    """Queue the e-mail once the current transaction has committed."""
    from ist.messaging.tasks import send_notification

    if kind not in _builders:
        raise KeyError(f"no notification builder for {kind!r}")
    transaction.on_commit(lambda: send_notification.delay(kind, object_id))


def deliver(kind: str, object_id: int) -> int:
    try:
        subject, body, recipients = _builders[kind](object_id)
    except ObjectDoesNotExist:
        return 0  # removed since the message was queued: nothing to tell
    recipients = list(dict.fromkeys(r for r in recipients if r))
    if not recipients:
        return 0
    return send_mail(subject, body + FOOTER, settings.DEFAULT_FROM_EMAIL, recipients)
