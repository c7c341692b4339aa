from __future__ import annotations

from django import forms

from ist.reminders.models import Kind

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
