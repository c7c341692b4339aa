"""Offered, never copied (issue 18, docs/decisions/0031): contact details from an earlier record are
shown beside the form with a button "Använd" per field, and go into the form only when the user
presses it.

With JavaScript (static/js/offer.js) the button fills the field in place. Without it the button
submits the form (`USE` = the field's name), and the view shows the form again with that field
filled and everything else as typed, saving nothing; `LOOKUP` ("Visa tidigare uppgifter") does the
same without filling anything, so the person's history shows after the personnummer is typed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.forms.utils import ErrorDict

if TYPE_CHECKING:
    from django.forms import BaseForm
    from django.http import QueryDict

F = TypeVar("F", bound="BaseForm")

USE = "anvand"
LOOKUP = "sok"


def asked(data: QueryDict) -> bool:
    """Did the user press "Använd" or "Visa tidigare uppgifter" rather than the form's own button?"""
    return USE in data or LOOKUP in data


def used(data: QueryDict, value_of: dict[str, str]) -> QueryDict:
    """The posted data with the field named by the "Använd" button set to the offered value (one of
    `value_of`: field name → earlier value); anything else, or an unknown name, changes nothing."""
    name = data.get(USE, "")
    if name not in value_of:
        return data
    data = data.copy()
    data[name] = value_of[name]
    return data


def unchecked(form: F) -> F:
    """The bound form shown again as typed, without error messages: the user asked to fill a field or
    to see the history, not to save, so nothing is reported as wrong yet. `cleaned_data` holds the
    fields that were valid (for what the page works out from them). Never save from this form: the
    caller checks `asked` first."""
    form.full_clean()
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # BaseForm sets it in __init__; stubs omit it
    return form
