"""Every change to the organisation that has rules or side effects."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from teams.models import User

log = logging.getLogger("ist.security")


def _handover_sweep() -> None:
    """Recompute the coordinators' "Att göra" items about work left without a responsible person
    now, in the same transaction, rather than at the next periodic sweep (the item must be there at
    once). Imported late: the notifications app builds on teams."""
    from ist.reminders.sweeps import sweep

    sweep("handover")


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> bool:
    """Stop the user's logins; delete nothing of theirs.

    An open session ends at its next request: ModelBackend.get_user refuses
    inactive users.

    Idempotent: deactivating an inactive user changes nothing and returns False.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    if not locked.is_active:
        return False
    locked.is_active = False
    locked.deactivated_at = timezone.now()
    locked.save(update_fields=["is_active", "deactivated_at"])  # save(), not update(): the change history sees it
    user.is_active, user.deactivated_at = False, locked.deactivated_at
    log.info("user %s deactivated by %s", user.pk, by.pk)
    # The coordinators see at once, in "Att göra", what the user leaves without a responsible person.
    _handover_sweep()
    return True


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> bool:
    """Let a deactivated user log in again. Idempotent."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        return False
    locked.is_active = True
    locked.deactivated_at = None
    locked.save(update_fields=["is_active", "deactivated_at"])
    user.is_active, user.deactivated_at = True, None
    log.info("user %s reactivated by %s", user.pk, by.pk)
    _handover_sweep()
    return True
