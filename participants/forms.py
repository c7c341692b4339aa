"""Forms for the journey: shape and Swedish messages per field; rules live in services and rules."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import fields
from typing import TYPE_CHECKING, Any, cast

from django import forms

from ist.forms import DateField, DateInput, TimeInput, formfield
from ist.pickers import PersonField
from participants.inputs import ClosureFields, ContactDetails, EntryVariables, ParticipantCorrection
from participants.models import (
    PHASE_ORDER,
    ActivityType,
    Attendance,
    Closure,
    Enrollment,
    ExitReason,
    FollowUp,
    Participant,
    Phase,
    Weekday,
)
from referrals.models import AgendaItem, ConsentHow
from teams.models import Organisation

if TYPE_CHECKING:
    from teams.models import Team, User


class EnrollForm(forms.ModelForm):
    # The person's contact details, prefilled from the referral being enrolled. An earlier referral's
    # are offered beside them, never copied (docs/decisions/0031).
    phone = forms.CharField(label="Telefon", max_length=30, required=False)
    email = forms.EmailField(label="E-post", required=False)
    address = forms.CharField(label="Adress", required=False, widget=forms.Textarea(attrs={"rows": 2}))

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

    def entry_values(self) -> EntryVariables:
        """The entry variables, typed, as services.enroll takes them."""
        return EntryVariables(**{f.name: self.cleaned_data[f.name] for f in fields(EntryVariables)})

    def contact_values(self) -> ContactDetails:
        """The contact details as confirmed, typed, as services.enroll takes them."""
        return ContactDetails(**{f.name: self.cleaned_data[f.name].strip() for f in fields(ContactDetails)})

    def current(self, name: str) -> str:
        """What the field holds now: as posted, or its initial value."""
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(value or "")


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

    def service_values(self) -> ParticipantCorrection:
        """The corrected details, typed, as services.participant_correct takes them."""
        return ParticipantCorrection(**{name: self.cleaned_data[name] for name in self.Meta.fields})


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
    """An extension the styrgrupp decided. The samverkansteam's are decided at its meeting, on the
    agenda item (participants/agenda.py), and recorded there."""

    new_end = DateField(label="Nytt slutdatum")
    decided_on = DateField(label="Styrgruppens beslutsdatum")
    decided_by = forms.CharField(
        label="Styrgruppens beslut",
        max_length=200,
        required=False,
        help_text="Till exempel protokollets paragraf. Frivilligt.",
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


def kind_choices(kinds: Iterable[ActivityType], *, keep: str = "", group_only: bool = False) -> list[tuple[str, str]]:
    """The active kinds (and `keep`, the kind an activity being corrected already has)."""
    return [
        (k.code, k.name)
        for k in kinds
        if (k.active and (not group_only or k.mode == ActivityType.Mode.GROUP)) or k.code == keep
    ]


class BulkReassignForm(forms.Form):
    """Arbetsfördelning, "Flytta markerade": the new handledare and second contact of every selected
    participant (the team's handledare only, never a list of every user)."""

    KEEP = "keep"
    NONE = "none"

    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Ny ansvarig handledare", queryset=None, empty_label="Välj handledare"
    )
    second_contact = forms.ChoiceField(label="Andra kontaktperson")

    def __init__(self, *args: Any, handledare: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["responsible"]).queryset = handledare
        cast("forms.ChoiceField", self.fields["second_contact"]).choices = [
            (self.KEEP, "Behåll nuvarande"),
            (self.NONE, "Ingen"),
            *((str(user.pk), user.get_full_name()) for user in handledare),
        ]
        self._handledare = {str(user.pk): user for user in handledare}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        choice = data.get("second_contact")
        responsible = data.get("responsible")
        if choice not in (None, self.KEEP, self.NONE) and responsible and str(responsible.pk) == choice:
            self.add_error("second_contact", "Den andra kontaktpersonen ska vara en annan handledare.")
        return data

    def second_contact_choice(self) -> Any:
        """KEEP, None or the chosen handledare (for `services.reassign_many`)."""
        choice = self.cleaned_data["second_contact"]
        if choice == self.KEEP:
            return self.KEEP
        return None if choice == self.NONE else self._handledare[choice]


class TransferForm(forms.Form):
    """The sending coordinator proposes a move to another team (the teams are few)."""

    to_team: forms.ModelChoiceField[Team] = forms.ModelChoiceField(
        label="Till team", queryset=None, empty_label="Välj team"
    )
    date = DateField(label="Flyttdatum (första dagen i det nya teamet)")
    note = forms.CharField(
        label="Meddelande till det mottagande teamet", max_length=500, required=False, widget=forms.Textarea
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["to_team"]).queryset = teams


class TransferAcceptForm(forms.Form):
    """The receiving coordinator chooses the participant's handledare in the receiving team."""

    responsible: forms.ModelChoiceField[User] = forms.ModelChoiceField(
        label="Ansvarig handledare i det nya teamet", queryset=None, empty_label="Välj handledare"
    )

    def __init__(self, *args: Any, handledare: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["responsible"]).queryset = handledare


class ActivityForm(forms.Form):
    """Log or correct one activity. The date comes first: in Min vecka's row the focus lands there,
    with everything prefilled, and Enter saves (docs/decisions/0027)."""

    date = DateField(label="Datum")
    attendance = forms.ChoiceField(
        label="Närvaro", choices=Attendance.choices, initial=Attendance.PRESENT, widget=forms.RadioSelect
    )
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600, initial=60)
    kind = forms.ChoiceField(label="Aktivitet")
    note = forms.CharField(label="Anteckning", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A new activity's idempotency key: posting the same form twice logs it once.
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args: Any, kinds: Iterable[ActivityType], keep: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = kind_choices(kinds, keep=keep)


class ActivityHistoryFilter(forms.Form):
    """The participant page's history: by kind and period (both ends optional)."""

    kind = forms.ChoiceField(label="Aktivitet", required=False)
    start = DateField(label="Från", required=False)
    end = DateField(label="Till", required=False)

    def __init__(self, *args: Any, kinds: Iterable[ActivityType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = [("", "Alla"), *((k.code, k.name) for k in kinds)]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "Slutdatumet ligger före startdatumet.")
        return data


class GroupSessionForm(forms.Form):
    kind = forms.ChoiceField(label="Aktivitet")
    date = DateField(label="Datum")
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600, initial=60)
    note = forms.CharField(label="Anteckning", max_length=300, required=False)

    def __init__(self, *args: Any, kinds: Iterable[ActivityType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = kind_choices(kinds, group_only=True)


class GroupForm(forms.Form):
    """A saved group's own fields; its members are checkboxes of the participants the user may
    change in the team (templates/participants/groups/form.html), never a select of everyone."""

    name = forms.CharField(label="Namn", max_length=120)
    kind = forms.ChoiceField(label="Aktivitet")
    weekday = forms.TypedChoiceField(label="Veckodag", choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(
        label="Klockan", widget=TimeInput(), error_messages={"invalid": "Skriv klockslaget som TT:MM, t.ex. 09:30."}
    )
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600, initial=90)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)

    def __init__(self, *args: Any, kinds: Iterable[ActivityType], keep: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ChoiceField", self.fields["kind"]).choices = kind_choices(kinds, keep=keep, group_only=True)


class GroupMeetingForm(forms.Form):
    """A session of a saved group as a whole (new or corrected); the attendance list is beside it."""

    date = DateField(label="Datum")
    start_time = forms.TimeField(
        label="Klockan", widget=TimeInput(), error_messages={"invalid": "Skriv klockslaget som TT:MM, t.ex. 09:30."}
    )
    duration_minutes = forms.IntegerField(label="Längd (minuter)", min_value=5, max_value=600)
    note = forms.CharField(label="Anteckning", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


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

    def service_values(self) -> ClosureFields:
        """The closure, typed, as services.close takes it."""
        return ClosureFields(**{name: self.cleaned_data[name] for name in self.Meta.fields})


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


def _meeting_label(meeting: Any) -> str:
    return f"{meeting.date:%Y-%m-%d} (v. {meeting.date.isocalendar().week}) kl. {meeting.start_time:%H:%M}"


class AgendaForm(forms.Form):
    """Put an enrolment on one of its team's upcoming samverkansteam meetings."""

    meeting: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Möte", queryset=None, empty_label="Välj ett kommande möte"
    )
    reason = forms.ChoiceField(label="Skäl", choices=AgendaItem.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Inför mötet",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Vad teamet behöver veta. Skriv inget som inte alla i samverkansteamet får läsa.",
    )

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Any]", self.fields["meeting"])
        field.queryset = meetings
        field.label_from_instance = _meeting_label  # type: ignore[method-assign,assignment]  # Django's way to label the choices


class MeetingEnrollmentForm(forms.Form):
    """On the meeting page: an enrolment of the meeting's team, found with the person picker."""

    enrollment = PersonField(
        label="Deltagare",
        search_url="participants:agenda_search",
        search_fields=("participant__first_name", "participant__last_name"),
        label_from_instance=lambda e: (
            f"{e.participant} (inskriven {e.start_date:%Y-%m-%d}, {e.responsible.get_full_name()})"
        ),
    )
    reason = forms.ChoiceField(label="Skäl", choices=AgendaItem.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Inför mötet",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Skriv inget som inte alla i samverkansteamet får läsa.",
    )

    def __init__(self, *args: Any, enrollments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("PersonField", self.fields["enrollment"]).queryset = enrollments
