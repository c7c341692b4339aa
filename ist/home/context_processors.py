from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from ist.home.navigation import menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    menu = menu_for(user, request.path) if user is not None and user.is_authenticated else []
    return {"menu": menu, "organisation_name": settings.IST_ORGANISATION_NAME}
