"""The interface language: Swedish unless the user chose otherwise with the Språk form."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class CookieLocaleMiddleware:
    """Honour only the language cookie that `set_language` writes.

    Django's LocaleMiddleware would also follow the browser's Accept-Language,
    giving an English-configured browser a half-translated page marked
    lang="en" (WCAG 3.1.1); Swedish is the language of this service.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
