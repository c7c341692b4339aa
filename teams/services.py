"""Every change to the organisation that has rules or side effects."""

from __future__ import annotations

import logging

from django.db import transaction

from teams.models import User

log = logging.getLogger("ist.security")


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
    locked.save(update_fields=["is_active"])  # save(), not update(): the change history sees it
    user.is_active = False
    log.info("user %s deactivated by %s", user.pk, by.pk)
    return True


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> bool:
    """Let a deactivated user log in again. Idempotent."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    if locked.is_active:
        return False
    locked.is_active = True
    locked.save(update_fields=["is_active"])
    user.is_active = True
    log.info("user %s reactivated by %s", user.pk, by.pk)
    return True
