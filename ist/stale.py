"""After a stale edit (`ist.errors.StaleEdit`): the one wording, and the form bound again to what
was typed with the version saved now, so "save again" applies to what the page shows now.

Every view that catches StaleEdit answers 409 with this message and nothing typed lost
(docs/decisions/0015 and 0022).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.http import HttpRequest

F = TypeVar("F", bound=forms.BaseForm)

STALE_MESSAGE = (
    "Någon annan har sparat ändringar medan du skrev. Det du skrev är kvar nedan; "
    "jämför med det som är sparat nu och spara igen."
)


def rebind(
    form_class: Callable[..., F],
    request: HttpRequest,
    *,
    version: int,
    field: str = "version",
    note: bool = True,
    **form_kwargs: Any,
) -> F:
    """The posted form again, carrying `version` (the one saved now) in `field`.

    With `note` the form is validated and carries STALE_MESSAGE as its own (non-field) error; a page
    that shows the message elsewhere (a banner with the differences) passes `note=False`."""
    posted = request.POST.copy()
    posted[field] = str(version)
    form = form_class(posted, **form_kwargs)
    if note:
        form.is_valid()
        form.add_error(None, STALE_MESSAGE)
    return form
