"""Forms of the referral's life cycle (referrals/lifecycle.py): withdrawing, closing a stalled
komplettering, registering a question that came by phone or visit, filtering Mina remisser."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from referrals.forms import QuestionForm
from referrals.models import ConsultativeQuestion, Referral
from teams.models import Organisation

Channel = ConsultativeQuestion.Channel


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Varför återtar du remissen?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Teamets koordinatorer ser skälet. Skriv inte mer om personen än som behövs.",
        error_messages={"required": "Skriv varför remissen återtas."},
    )


class CloseStalledForm(forms.Form):
    reason = forms.CharField(
        label="Skäl till att remissen avslutas",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Inremittenten får ett e-postmeddelande och ser skälet på remissen.",
        error_messages={"required": "Skriv varför remissen avslutas."},
    )


class QuestionRegisterForm(QuestionForm):
    """A question that came by phone, visit or letter, as the coordinator writes it down."""

    channel = forms.ChoiceField(
        label="Frågan kom via",
        choices=[(c.value, c.label) for c in Channel if c != Channel.WEB],
        widget=forms.RadioSelect,
        error_messages={"required": "Ange hur frågan kom in."},
    )
    asker_name = forms.CharField(
        label="Vem frågade", max_length=200, error_messages={"required": "Ange vem som ställde frågan."}
    )
    organisation = forms.ModelChoiceField(
        label="Organisation", queryset=Organisation.objects.none(), required=False, empty_label="Ingen eller okänd"
    )
    asker_contact = forms.CharField(
        label="Telefon eller e-post till frågeställaren",
        max_length=200,
        required=False,
        help_text="Så att teamet kan ge svaret på samma sätt som frågan kom.",
    )

    field_order = ["team", "channel", "asker_name", "organisation", "asker_contact", "question"]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast("forms.ModelChoiceField[Any]", self.fields["organisation"]).queryset = Organisation.objects.filter(
            active=True
        )
        # A question from a phone call or a visit is given orally more often than not.
        self.fields["consent_how"].initial = "oral"


STATUS_ALL = ""


class MineFilterForm(forms.Form):
    """Mina remisser: one status (or all) and a name search."""

    status = forms.ChoiceField(label="Status", required=False, choices=[(STATUS_ALL, "Alla"), *Referral.Status.choices])
    namn = forms.CharField(label="Sök på namn", required=False, max_length=100)
