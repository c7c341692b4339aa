"""The roles and expected answers of the URL × role matrix (tests/test_url_matrix.py)."""

from __future__ import annotations

ROLES = ["anonymous", "administrator", "steering", "koordinator", "handledare", "samverkansteam", "referrer"]
LOGIN = "login"  # redirect to the login page
ADMIN_LOGIN = "admin-login"  # redirect to the admin's login page
ANY_LOGIN = "any-login"  # either login page (the admin sends strangers to its own)


def every(code: object, **overrides: object) -> dict[str, object]:
    return {role: overrides.get(role, code) for role in ROLES}


def signed_in(code: object, **overrides: object) -> dict[str, object]:
    return every(code, anonymous=LOGIN, **overrides)
