"""URL × role matrix entries for "Att göra" (merged by tests/test_url_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from ist.reminders.models import Kind, Notification, NotificationPreference
from tests.matrix_roles import Post, every, signed_in

# Snooze and done take POST only, so a GET answers 405 before any item is looked up. Only the
# recipient (here the handledare) may snooze or finish an item; anyone else gets 404.


def _handledare_item(w: dict[str, Any]) -> dict[str, int]:
    item = Notification.objects.create(
        recipient=w["handledare"],
        kind=Kind.ANSWER_SOON,
        subject_type=ContentType.objects.get_for_model(w["enrollment"]),
        subject_id=w["enrollment"].pk,
        due_on=timezone.localdate() + timedelta(days=2),
        title="Svara inom två dagar",
        url="/",
    )
    return {"pk": item.pk}


ENTRIES: dict[str, tuple[Any, str, dict[str, object]]] = {
    "reminders:inbox": ({}, "", signed_in(200)),
    # Anonymous too: a session that ended gets the plain link text, not a login page inside the link.
    "reminders:count": ({}, "", every(200)),
    "reminders:snooze": (_handledare_item, "", signed_in(405)),
    "reminders:done": (_handledare_item, "", signed_in(405)),
    "reminders:preferences": ({}, "", signed_in(200)),
}

POSTS: dict[str, Post] = {
    # Everyone signed in chooses their own e-mail; choosing none opts out of every kind.
    "reminders:preferences": Post(
        answers=signed_in(302),
        data={"by_email": [], "new_work": "at_once"},
        changed=lambda p: (
            p.role != "anonymous" and NotificationPreference.objects.filter(user=p.world[p.role]).exists()
        ),
    ),
    "reminders:snooze": Post(
        answers=signed_in(404, handledare=302),
        data={"days": "3"},
        changed=lambda p: Notification.objects.get(pk=p.kwargs["pk"]).snoozed_until is not None,
    ),
    "reminders:done": Post(
        answers=signed_in(404, handledare=302),
        changed=lambda p: Notification.objects.get(pk=p.kwargs["pk"]).state == Notification.State.DONE,
    ),
}
