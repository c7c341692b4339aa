"""Form fields and widgets every app uses: dates bounded to a sane range, HTML5 date and time inputs.

Python's `date` reaches year 9999 and its `fromisoformat` accepts year 0001; a date that far out
passes Django's DateField and then overflows the first `+ timedelta(...)` a rule computes (an
answer deadline, a target end, "the day after" of a filter), which was a 500. Every date a user
types goes through `DateField` below (ModelForms get it through `formfield_callback`), so the
range is checked once, beside the field, in Swedish. See docs/decisions/0015-forms-robustness.md.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

# Wide enough for every real date in a case (births, consent, decisions, plans) and narrow enough
# that a rule adding years or days to it can never overflow `date`.
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
DATE_INVALID = "Ange ett datum som ÅÅÅÅ-MM-DD."
DATE_OUT_OF_RANGE = f"Ange ett datum mellan {MIN_DATE:%Y-%m-%d} och {MAX_DATE:%Y-%m-%d}."


def in_range(day: date) -> bool:
    return MIN_DATE <= day <= MAX_DATE


class DateInput(forms.DateInput):
    """`<input type="date">` with the ISO format browsers send, limited to the accepted range."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.pop("format", None)
        attrs = {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat(), **(attrs or {})}
        super().__init__(attrs=attrs, format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("format", None)
        super().__init__(format="%H:%M", **kwargs)


class DateField(forms.DateField):
    """A date between MIN_DATE and MAX_DATE, typed as YYYY-MM-DD."""

    widget = DateInput
    default_error_messages = {"invalid": DATE_INVALID, "out_of_range": DATE_OUT_OF_RANGE}

    def to_python(self, value: Any) -> date | None:
        day = super().to_python(value)
        if day is not None and not in_range(day):
            raise ValidationError(self.error_messages["out_of_range"], code="out_of_range")
        return day


def formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """ModelForm `Meta.formfield_callback`: a model's date becomes the bounded DateField with the
    date widget (a widget the form names itself still wins)."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("widget", DateInput)
        return db_field.formfield(form_class=DateField, **kwargs)
    return db_field.formfield(**kwargs)
