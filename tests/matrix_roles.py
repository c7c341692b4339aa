"""The roles and expected answers of the URL × role matrix (tests/test_url_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponseBase
from django.test import Client
from django.test.client import MULTIPART_CONTENT

ROLES = ["anonymous", "administrator", "steering", "koordinator", "handledare", "samverkansteam", "referrer"]
LOGIN = "login"  # redirect to the login page
ADMIN_LOGIN = "admin-login"  # redirect to the admin's login page
ANY_LOGIN = "any-login"  # either login page (the admin sends strangers to its own)

World = dict[str, Any]


def every(code: object, **overrides: object) -> dict[str, object]:
    return {role: overrides.get(role, code) for role in ROLES}


def signed_in(code: object, **overrides: object) -> dict[str, object]:
    return every(code, anonymous=LOGIN, **overrides)


class Unchanged(int):
    """An answer that changes nothing although it is no error: Unchanged(200) is a page that says
    why (an invalid reset link), so the matrix checks that nothing changed."""


@dataclass(frozen=True)
class Posted:
    """What a `Post.changed` check may look at, after one role's POST (before it is rolled back)."""

    role: str
    world: World
    kwargs: dict[str, Any]
    client: Client
    response: HttpResponseBase


@dataclass(frozen=True)
class Post:
    """A POST row of the matrix: the answer per role, the form data (or a function of the world
    giving it), and `changed`, which says whether the POST's change happened. A role whose answer
    is a success (2xx, or 3xx other than to a login page) must have made the change; every other
    role must have changed nothing. Each role posts against the same data (its change is rolled
    back before the next role posts)."""

    answers: dict[str, object]
    changed: Callable[[Posted], bool]
    data: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    # reverse() kwargs for the POST when they differ from the GET entry's (e.g. a draft, not a final document)
    kwargs: dict[str, Any] | Callable[[World], dict[str, Any]] | None = None
    htmx: bool = False  # send HX-Request: true, as the page does
    content_type: str = MULTIPART_CONTENT


def fresh_token(world: World) -> str:
    """A new form token, kept in the world so a `changed` check can find the record it made."""
    import uuid

    world["token"] = uuid.uuid4()
    return str(world["token"])
