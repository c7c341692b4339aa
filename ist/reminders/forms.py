from __future__ import annotations

from typing import Any

from django import forms

from ist.reminders.models import EmailTiming, Kind

SNOOZE_CHOICES = [("1", "1 dag"), ("3", "3 dagar"), ("7", "1 vecka"), ("14", "2 veckor")]


class SnoozeForm(forms.Form):
    days = forms.TypedChoiceField(
        label="Pausa", choices=SNOOZE_CHOICES, coerce=int, error_messages={"invalid_choice": "Välj hur länge."}
    )


class PreferencesForm(forms.Form):
    by_email = forms.MultipleChoiceField(
        label="Skicka mig e-post om",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Välj bland alternativen i listan."},
        help_text="Det du väljer bort syns fortfarande under Att göra, men kommer inte i den dagliga e-posten.",
    )

    new_work = forms.ChoiceField(
        label="E-post om ny remiss, kompletterad remiss och ny konsultativ fråga till ditt team",
        choices=EmailTiming.When.choices,
        initial=EmailTiming.When.DIGEST,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Välj när du vill få e-post om nytt arbete.",
            "invalid_choice": "Välj ett av alternativen.",
        },
        help_text="Som koordinator hör du om nytt arbete i ditt team. Det syns alltid direkt under Att göra.",
    )

    def __init__(self, *args: Any, coordinator: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not coordinator:  # only coordinators are told of new work
            del self.fields["new_work"]
