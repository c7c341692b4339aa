"""The e-mail of one "Att göra" item sent at once (ist/reminders/announce.py): its kind, its title
(numbers and initials only, like the digest), its team and a link."""

from __future__ import annotations

from django.urls import reverse

from ist.messaging.registry import link, register
from ist.reminders.announce import NEW_WORK_EMAIL
from ist.reminders.models import Notification


@register(NEW_WORK_EMAIL)
def _new_work(object_id: int) -> tuple[str, str, list[str]]:
    item = Notification.objects.select_related("recipient", "team").get(pk=object_id)
    if item.state != Notification.State.OPEN or not item.recipient.is_active:
        return "", "", []  # handled before the e-mail went: nothing to tell
    team = f" – {item.team}" if item.team else ""
    body = (
        f"Hej!\n\n{item.get_kind_display()}{team}:\n{item.title}\n{link(item.url)}\n\n"
        f"Allt du har att göra: {link(reverse('reminders:inbox'))}\n"
        f"Du får detta direkt eftersom du valt det. Ändra: {link(reverse('reminders:preferences'))}\n"
    )
    return f"IST: {item.get_kind_display()}{team}", body, [item.recipient.email]
