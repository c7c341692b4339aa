"""Forms of the gallring pages: a spärr and a registerutdrag order, both for one personnummer."""

from __future__ import annotations

from django import forms

from ist import personnummer


class _PersonForm(forms.Form):
    personnummer = forms.CharField(
        label="Personnummer eller samordningsnummer",
        max_length=13,
        help_text="ÅÅÅÅMMDD-NNNN",
        error_messages={"required": "Skriv personens personnummer."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_personnummer(self) -> str:
        # 12 digits with century, check digit validated; the message is Swedish (ValidationError).
        return personnummer.parse(self.cleaned_data["personnummer"]).number


class HoldForm(_PersonForm):
    reason = forms.CharField(
        label="Skäl till spärren",
        min_length=5,
        max_length=300,
        help_text="T.ex. diarienummer för en begäran, ett klagomål eller en rättsprocess. Inga personuppgifter.",
        error_messages={"required": "Skriv skälet till spärren.", "min_length": "Skriv skälet med minst 5 tecken."},
    )


class ExtractForm(_PersonForm):
    reason = forms.CharField(
        label="Ärende",
        min_length=5,
        max_length=300,
        help_text="T.ex. när och hur begäran kom in och dess diarienummer. Sparas i loggen.",
        error_messages={"required": "Skriv vilket ärende utdraget gäller.", "min_length": "Skriv minst 5 tecken."},
    )
