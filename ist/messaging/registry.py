"""E-mail notifications: each app registers a builder per kind; `send` records one in the outbox
(ist/outbox), in the caller's transaction, and the outbox's task sends it exactly once.

A builder takes an object id and returns (subject, body, recipients). Messages
carry no more personal data than needed: numbers and links, details behind login.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import send_mail

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


def send(kind: str, object_id: int, *, key: str | int) -> None:
    """Record the e-mail of `kind` about `object_id` in the outbox, in the current transaction: it
    goes out once the transaction has committed, even if the broker is down now (it waits).

    `key` tells this occasion from others of the same kind and object (the object's version after
    the change, a row's id): sending twice with the same kind, object and key is one e-mail, a new
    occasion (a second komplettering) is another.
    """
    from ist.outbox.services import enqueue_email

    if kind not in _builders:
        raise KeyError(f"no notification builder for {kind!r}")
    enqueue_email(key=f"{kind}:{object_id}:{key}", kind=kind, object_id=object_id)


def deliver(kind: str, object_id: int) -> int:
    try:
        subject, body, recipients = _builders[kind](object_id)
    except ObjectDoesNotExist:
        return 0  # removed since the message was queued: nothing to tell
    recipients = list(dict.fromkeys(r for r in recipients if r))
    if not recipients:
        return 0
    return send_mail(subject, body + FOOTER, settings.DEFAULT_FROM_EMAIL, recipients)
