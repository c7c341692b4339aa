"""E-mail notifications: each app registers a builder per kind; `send` records one in the outbox
(ist/outbox), in the caller's transaction, and the outbox's task sends it exactly once.

A builder takes an object id and returns (subject, body, recipients), or a list of `Mail` when
recipients get different texts (an address with an account gets a link, one without is told that a
letter comes) or a file is attached (a calendar invite). Messages carry no more personal data than
needed: numbers and links, details behind login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage, get_connection, send_mail


@dataclass(frozen=True)
class Mail:
    """One e-mail of a notification: its own text and recipients, and files attached as
    (ASCII name without personal data, bytes, MIME type)."""

    subject: str
    body: str
    recipients: list[str]
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


Builder = Callable[[int], tuple[str, str, list[str]] | list[Mail]]
B = TypeVar("B", bound=Builder)  # the decorated builder keeps its own return type

_builders: dict[str, Builder] = {}

FOOTER = "\nIndividsamverkansteamen i Halland\n(Meddelandet innehåller inga personuppgifter; svara inte på det.)\n"


def register(kind: str) -> Callable[[B], B]:
    def decorate(builder: B) -> B:
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
        built = _builders[kind](object_id)
    except ObjectDoesNotExist:
        return 0  # removed since the message was queued: nothing to tell
    if isinstance(built, list):
        return _deliver_each(built)
    subject, body, recipients = built
    recipients = list(dict.fromkeys(r for r in recipients if r))
    if not recipients:
        return 0
    return send_mail(subject, body + FOOTER, settings.DEFAULT_FROM_EMAIL, recipients)


def _deliver_each(mails: list[Mail]) -> int:
    """Send each `Mail` over one connection; an address named twice gets only its first mail."""
    seen: set[str] = set()
    messages = []
    for mail in mails:
        recipients = [r for r in dict.fromkeys(r.lower() for r in mail.recipients if r) if r not in seen]
        seen.update(recipients)
        if not recipients:
            continue
        message = EmailMessage(mail.subject, mail.body + FOOTER, settings.DEFAULT_FROM_EMAIL, recipients)
        for name, content, mimetype in mail.attachments:
            message.attach(name, content, mimetype)
        messages.append(message)
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
