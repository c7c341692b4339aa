"""Forms for the journey: shape and Swedish messages per field; rules live in services and rules."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from django import forms

from ist.forms import DateField, DateInput, formfield
from participants.models import (
    PHASE_ORDER,
    ActivityKind,
    Attendance,
    Closure,
    Enrollment,
    ExitReason,
    FollowUp,
    Participant,
    Phase,
)
from referrals.models import ConsentHow
from teams.models import Organisation

if TYPE_CHECKING:
    from teams.models import User


class EnrollForm(forms.ModelForm):
    class Meta:
        model = Enrollment
        formfield_callback = formfield
        fields = [
            "responsible",
            "second_contact",
            "start_date",
            "support_at_entry",
            "months_in_support_before",
            "education",
            "occupation_before",
            "occupation_before_extent",
        ]
        widgets = {"start_date": DateInput()}
        help_texts = {"occupation_before_extent": "Procent av heltid (40 timmar i veckan), 0–100."}

    def __init__(self, *args: Any, handledare: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["responsible"]).queryset = handledare
        cast("forms.ModelChoiceField[Any]", self.fields["second_contact"]).queryset = handledare
        self.fields["second_contact"].required = False
        self.fields["occupation_before_extent"].widget.attrs.update({"min": 0, "max": 100})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("responsible") and data.get("responsible") == data.get("second_contact"):
            self.add_error("second_contact", "Den andra kontaktpersonen ska vara en annan handledare.")
        extent = data.get("occupation_before_extent")
        if extent is not None and extent > 100:
            self.add_error("occupation_before_extent", "Ange en procentsats mellan 0 och 100.")
        return data

    def entry_data(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in (
                "support_at_entry",
                "months_in_support_before",
                "education",
                "occupation_before",
                "occupation_before_extent",
            )
        }


class ParticipantCorrectionForm(forms.ModelForm):
    class Meta:
        model = Participant
        formfield_callback = formfield
        fields = [
            "first_name",
            "last_name",
            "phone",
            "email",
            "address",
            "municipality",
            "sex",
            "birth_year",
            "protected_identity",
        ]


class PhaseChangeForm(forms.Form):
    to = forms.ChoiceField(label="Ny fas", choices=Phase.choices)
    on = DateField(label="Från och med")
    reason = forms.CharField(
        label="Skäl",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Krävs när deltagaren går tillbaka till en tidigare fas.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if current and not self.is_bound:
            index = PHASE_ORDER.index(Phase(current))
            self.fields["to"].initial = PHASE_ORDER[min(index + 1, len(PHASE_ORDER) - 1)]


class ExtensionForm(forms.Form):
    new_end = DateField(label="Nytt slutdatum")
    decided_on = DateField(label="Beslutsdatum")
    decided_by = forms.CharField(
        label="Beslutat av", max_length=200, help_text="Namn och roll, t.ex. samverkansteamet."
    )
    reason = forms.CharField(label="Motivering", widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReassignForm(forms.Form):
    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(label="Ansvarig handledare", queryset=None)
    second_contact: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Andra kontaktperson", queryset=None, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, handledare: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["responsible"]).queryset = handledare
        cast("forms.ModelChoiceField[Any]", self.fields["second_contact"]).queryset = handledare

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("second_contact") and data.get("second_contact") == data.get("responsible"):
            self.add_error("second_contact", "Den andra kontaktpersonen ska vara en annan handledare.")
        return data


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label="Aktivitet", choices=ActivityKind.choices)
    date = DateField(label="Datum")
    attendance = forms.ChoiceField(
        label="Närvaro", choices=Attendance.choices, initial=Attendance.PRESENT, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600, initial=60)
    note = forms.CharField(label="Anteckning", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A new activity's idempotency key: posting the same form twice logs it once.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class GroupSessionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Aktivitet",
        choices=[
            (k.value, k.label) for k in (ActivityKind.PHYSICAL, ActivityKind.WORK_TRAINING, ActivityKind.KNOWLEDGE)
        ],
    )
    date = DateField(label="Datum")
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600, initial=60)
    note = forms.CharField(label="Anteckning", max_length=300, required=False)


class ClosureForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Closure
        formfield_callback = formfield
        fields = [
            "date",
            "reason",
            "occupation_after",
            "occupation_after_extent",
            "support_after",
            "summary",
            "recommendations",
            "closing_meeting_on",
            "care_provider_consulted",
            "parties_consulted",
        ]
        widgets = {
            "date": DateInput(),
            "closing_meeting_on": DateInput(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "recommendations": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["reason"]).queryset = ExitReason.objects.filter(
            active=True
        ).order_by("group", "position")
        self.fields["occupation_after_extent"].widget.attrs.update({"min": 0, "max": 100})

    def clean_occupation_after_extent(self) -> int | None:
        extent = self.cleaned_data.get("occupation_after_extent")
        if extent is not None and extent > 100:
            raise forms.ValidationError("Ange en procentsats mellan 0 och 100.")
        return extent

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        formfield_callback = formfield
        fields = ["found", "note"]
        widgets = {"found": forms.RadioSelect, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["found"].required = True
        cast("forms.ChoiceField", self.fields["found"]).choices = FollowUp.Found.choices


class ConsentForm(forms.Form):
    """The consent in force: given when and how, and the parties it covers (docs/decisions/0019)."""

    given_on = DateField(label="Samtycket lämnades (datum)")
    how = forms.ChoiceField(label="Hur samtycket lämnades", choices=ConsentHow.choices, widget=forms.RadioSelect)
    scope_referrer = forms.BooleanField(label="Inremittentens organisation", required=False)
    scope_kinds = forms.MultipleChoiceField(
        label="Andra myndigheter",
        choices=Organisation.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Dokument lämnas bara till parter som samtycket omfattar. Tar du bort en part "
        "återkallas deras tillgång till dokument som redan delats.",
    )
    note = forms.CharField(
        label="Anteckning", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_given_on(self) -> Any:
        from django.utils import timezone

        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Datumet kan inte ligga i framtiden.")
        return day


class ConsentWithdrawForm(forms.Form):
    withdrawn_on = DateField(label="Samtycket återkallades (datum)")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def clean_withdrawn_on(self) -> Any:
        from django.utils import timezone

        day = self.cleaned_data["withdrawn_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Datumet kan inte ligga i framtiden.")
        return day


class HandoverForm(forms.Form):
    """ "Flytta alla": the team's handledare only (never a list of every user)."""

    to: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Ny handledare", queryset=None, empty_label="Välj handledare"
    )

    def __init__(self, *args: Any, handledare: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["to"]).queryset = handledare
