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
    changed = User.objects.filter(pk=user.pk, is_active=True).update(is_active=False)
    if not changed:
        return False
    user.is_active = False
    log.info("user %s deactivated by %s", user.pk, by.pk)
    return True


@transaction.atomic
def user_reactivate(*, user: User, by: User) -> bool:
    """Let a deactivated user log in again. Idempotent."""
    changed = User.objects.filter(pk=user.pk, is_active=False).update(is_active=True)
    if changed:
        user.is_active = True
        log.info("user %s reactivated by %s", user.pk, by.pk)
    return bool(changed)
