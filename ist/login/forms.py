from __future__ import annotations

from django import forms


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Kod",
        max_length=20,
        help_text="Sex siffror från autentiseringsappen, eller en av dina reservkoder.",
        error_messages={"required": "Skriv koden."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}),
    )


class AppCodeForm(CodeForm):
    code = forms.CharField(
        label="Kod från appen",
        max_length=10,
        help_text="Sex siffror som appen visar just nu.",
        error_messages={"required": "Skriv koden som appen visar."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ResetForm(forms.Form):
    reason = forms.CharField(
        label="Skäl och hur identiteten kontrollerades",
        max_length=2000,
        help_text="T.ex. ”Tappat telefonen. Identitet kontrollerad med legitimation på plats, 2026-12-06.”",
        error_messages={"required": "Skriv varför och hur du kontrollerade vem personen är."},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
