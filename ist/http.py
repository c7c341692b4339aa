"""Typed requests for views (django-htmx's pattern, https://django-htmx.readthedocs.io/en/latest/tips.html).

Django types `request.user` as `AbstractBaseUser | AnonymousUser` and knows nothing of the
attribute `HtmxMiddleware` adds. A view behind login (every view not marked `login_not_required`:
`ist.web.HtmxLoginRequiredMiddleware` turns the anonymous away first) annotates its request as
`AuthenticatedHttpRequest`; a public view as `HtmxHttpRequest`. Both are annotations only: at run
time the request is Django's `HttpRequest` with the middlewares' attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from teams.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    user: User
