"""Forms: shape and Swedish messages per field. Rules that span the record live in rules.py."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms

from ist import personnummer
from ist.forms import DateField, DateInput, TimeInput, formfield
from ist.uploads import UploadField
from referrals.inputs import ReferralFields, RegisteredReferralFields, TeamEdit
from referrals.models import AgendaItem, ConsentHow, InformationMeeting, Referral, SupportKind, TeamMeeting
from teams.models import Municipality, Organisation, Team

Kind = Organisation.Kind


class PersonnummerField(forms.CharField):
    """Accepts the usual ways of writing it; cleans to 12 digits."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Personnummer eller samordningsnummer")
        kwargs.setdefault("help_text", "ÅÅÅÅMMDD-NNNN")
        kwargs.setdefault("max_length", 13)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "off", "inputmode": "numeric"})

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return personnummer.parse(value).number if value else ""


def consent_how_field() -> forms.ChoiceField:
    """How the consent was given (written on the form by default): one declaration for the referral
    and the question, which record consent the same way."""
    return forms.ChoiceField(
        label="Samtycket lämnades",
        choices=ConsentHow.choices,
        required=False,
        initial=ConsentHow.WRITTEN,
        widget=forms.RadioSelect,
    )


class ReferralForm(forms.ModelForm):
    """The referrer's form. Saving a draft accepts gaps; sending checks completeness (rules.py)."""

    personnummer = PersonnummerField(required=False)
    authorities_involved = forms.MultipleChoiceField(
        label="Inblandade myndigheter",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="IST är till för den som behöver stöd från minst två myndigheter.",
    )
    consent_how = consent_how_field()
    consent_scope_kinds = forms.MultipleChoiceField(
        label="Samtycket gäller även",
        choices=Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Myndigheter som IST får utbyta information med, utöver inremittentens organisation.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Referral
        formfield_callback = formfield
        fields = [
            "personnummer",
            "first_name",
            "last_name",
            "phone",
            "email",
            "address",
            "municipality",
            "authorities_involved",
            "support_authority",
            "support_kind",
            "support_contact_email",
            "time_outside",
            "background",
            "wishes",
            "obstacles",
            "interpreter_needed",
            "interpreter_language",
            "substance_abuse",
            "threatening_behaviour",
            "imminent_imprisonment",
            "full_sickness_compensation",
            "protected_identity",
            "consent_given",
            "consent_date",
            "consent_how",
            "consent_scope_referrer",
            "consent_scope_kinds",
            "consent_scope",
        ]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 2}),
            "background": forms.Textarea(attrs={"rows": 5}),
            "wishes": forms.Textarea(attrs={"rows": 3}),
            "obstacles": forms.Textarea(attrs={"rows": 3}),
            "consent_scope": forms.Textarea(attrs={"rows": 2}),
            "consent_date": DateInput(),
        }
        labels = {
            "consent_given": "Personen har gett sitt samtycke",
            "consent_scope_referrer": "Samtycket gäller inremittentens organisation",
            "consent_scope": "Anteckning om samtycket",
        }
        help_texts = {
            "municipality": "Avgör vilket team som tar emot remissen.",
            "consent_scope": "T.ex. vilka uppgifter samtycket gäller eller villkor personen har satt.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["municipality"]).queryset = Municipality.objects.order_by(
            "name"
        )
        cast("forms.ModelChoiceField[Any]", self.fields["municipality"]).empty_label = "Välj kommun"
        cast("forms.ModelChoiceField[Any]", self.fields["support_kind"]).queryset = SupportKind.objects.filter(
            active=True
        )
        cast("forms.ModelChoiceField[Any]", self.fields["support_kind"]).empty_label = "Välj försörjning"
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True  # an edit without it could not be checked for a stale save
            if self.instance.personnummer:
                self.initial["personnummer"] = personnummer.formatted(self.instance.personnummer)
            # The referrer's own tick: a flag the team or another record set never shows to them
            # (referrals.services._author_flag keeps it set; docs/decisions/0019).
            self.initial["protected_identity"] = self.instance.protected_identity_by_author

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("consent_given"):
            # The usual case is a written consent on the referral form; a consent without a chosen
            # scope covers the referrer's organisation and the authorities involved (docs/decisions/0019).
            data["consent_how"] = data.get("consent_how") or ConsentHow.WRITTEN
            if not data.get("consent_scope_referrer") and not data.get("consent_scope_kinds"):
                data["consent_scope_referrer"] = True
                data["consent_scope_kinds"] = list(data.get("authorities_involved") or [])
        else:
            data["consent_how"] = ""
        return data

    def service_values(self) -> ReferralFields:
        """The cleaned fields, typed, as referral_save_draft takes them (not the bookkeeping ones)."""
        return ReferralFields(**{name: self.cleaned_data[name] for name in ReferralForm.Meta.fields})

    def add_missing(self, missing: dict[str, str]) -> None:
        for field, message in missing.items():
            self.add_error(field if field in self.fields else None, message)


class RegisterReferralForm(ReferralForm):
    """A coordinator registers a referral that came on paper or by e-mail, or after an information meeting."""

    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none())
    channel = forms.ChoiceField(
        label="Kom in via",
        choices=[c for c in Referral.Channel.choices if c[0] != Referral.Channel.WEB],
    )
    received_on = DateField(label="Inkom")
    attachment = UploadField(label="Inskannad remiss", required=False)

    class Meta(ReferralForm.Meta):
        fields = [
            "referrer_name",
            "referrer_phone",
            "referrer_email",
            "referrer_organisation",
            *ReferralForm.Meta.fields,
            "attachment",
        ]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        cast(
            "forms.ModelChoiceField[Any]", self.fields["referrer_organisation"]
        ).queryset = Organisation.objects.filter(active=True)

    def service_values(self) -> RegisteredReferralFields:
        """The cleaned fields, typed, as referral_register takes them."""
        return RegisteredReferralFields(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class TeamEditForm(forms.ModelForm):
    """What a coordinator corrects: the person's details, municipality, team, checklist."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Referral
        formfield_callback = formfield
        fields = [
            "team",
            "first_name",
            "last_name",
            "phone",
            "email",
            "municipality",
            "substance_abuse",
            "threatening_behaviour",
            "imminent_imprisonment",
            "full_sickness_compensation",
            "protected_identity",
        ]

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams
        self.fields["team"].required = True
        self.fields["version"].initial = self.instance.version

    def service_values(self) -> TeamEdit:
        """The cleaned fields, typed, as referral_update_by_team takes them."""
        return TeamEdit(**{name: self.cleaned_data[name] for name in self.Meta.fields})


class RequestInfoForm(forms.Form):
    message = forms.CharField(
        label="Vad behöver teamet veta?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        help_text="Inremittenten får ett e-postmeddelande utan personuppgifter och läser din text efter inloggning.",
    )


class AgendaAddForm(forms.Form):
    meeting = forms.ModelChoiceField(label="Möte", queryset=TeamMeeting.objects.none(), empty_label="Välj möte")

    def __init__(self, *args: Any, meetings: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["meeting"]).queryset = meetings


class QuestionForm(forms.Form):
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.filter(active=True), empty_label="Välj team")
    question = forms.CharField(label="Fråga", widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)
    personnummer = PersonnummerField(
        required=False, help_text="Frivilligt. Lämna tomt för en fråga utan att nämna personen."
    )
    person_name = forms.CharField(label="Personens namn", required=False, max_length=200, help_text="Frivilligt.")
    protected_identity = forms.BooleanField(label="Personen har skyddade personuppgifter", required=False)
    consent_given = forms.BooleanField(
        label="Personen har gett sitt samtycke",
        required=False,
        help_text="Krävs när du nämner personen. En fråga utan namn och personnummer behöver inget samtycke.",
    )
    consent_date = DateField(label="Samtycket lämnades (datum)", required=False)
    consent_how = consent_how_field()

    def clean(self) -> dict[str, Any]:
        """A named question requires consent like a referral; an anonymous one does not."""
        super().clean()
        data = self.cleaned_data
        named = bool(data.get("personnummer") or (data.get("person_name") or "").strip())
        if named:
            if not data.get("consent_given"):
                self.add_error(
                    "consent_given",
                    "En fråga som nämner personen kräver personens samtycke. Ta bort namn och personnummer "
                    "för att fråga utan samtycke.",
                )
            elif not data.get("consent_date"):
                self.add_error("consent_date", "Ange när samtycket lämnades.")
            data["consent_how"] = data.get("consent_how") or ConsentHow.WRITTEN
        else:
            data.update(consent_given=False, consent_date=None, consent_how="", protected_identity=False)
        return data


class MeetingForm(forms.ModelForm):
    class Meta:
        model = TeamMeeting
        formfield_callback = formfield
        fields = ["team", "date", "start_time", "place"]
        widgets = {"date": DateInput(), "start_time": TimeInput()}

    def __init__(self, *args: Any, teams: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams


class AttendanceForm(forms.Form):
    organisation_kind = forms.ChoiceField(label="Part", choices=[("", "Välj part"), *Kind.choices], required=False)
    name = forms.CharField(label="Namn", max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("name") and not data.get("organisation_kind"):
            self.add_error("organisation_kind", "Ange vilken part personen företrädde.")
        if data.get("organisation_kind") and not data.get("name"):
            self.add_error("name", "Ange namnet.")
        return data


AttendanceFormSet = forms.formset_factory(AttendanceForm, extra=2, max_num=30)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="Beslut", widget=forms.RadioSelect)
    reasoning = forms.CharField(label="Motivering", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, item: AgendaItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = AgendaItem.Decision
        if item.referral_id:
            cast("forms.ChoiceField", self.fields["decision"]).choices = [
                (d.value, d.label) for d in (decision.ACCEPT, decision.REJECT, decision.MORE_INFO)
            ]
        else:
            cast("forms.ChoiceField", self.fields["decision"]).choices = [
                (decision.ANSWERED.value, decision.ANSWERED.label)
            ]
            self.fields["decision"].initial = decision.ANSWERED
            self.fields["reasoning"].label = "Svar"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("decision") in {AgendaItem.Decision.REJECT, AgendaItem.Decision.ANSWERED}
            and not data.get("reasoning", "").strip()
        ):
            self.add_error("reasoning", "Skriv motiveringen (vid avslag) eller svaret (på en fråga).")
        return data


class InfoMeetingForm(forms.ModelForm):
    class Meta:
        model = InformationMeeting
        formfield_callback = formfield
        fields = ["date", "start_time", "place", "attendees", "referrer_invited"]
        widgets = {"date": DateInput(), "start_time": TimeInput(), "attendees": forms.CheckboxSelectMultiple}
        help_texts = {
            "date": "Ett datum som har passerat registreras som ett redan hållet möte: ingen inbjudan eller "
            "kallelse skickas, och utfallet kan registreras direkt."
        }

    def __init__(self, *args: Any, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["attendees"]).queryset = staff


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label="Utfall", choices=InformationMeeting.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="Anteckning", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, meeting_date: date, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting_date, self.today = meeting_date, today
        if meeting_date > today:
            self.fields["outcome"].help_text = f"Utfallet kan registreras från mötesdagen, {meeting_date:%Y-%m-%d}."

    def clean_outcome(self) -> str:
        outcome: str = self.cleaned_data["outcome"]
        if self.meeting_date > self.today:
            raise forms.ValidationError(
                f"Mötet har inte ägt rum ännu. Utfallet kan registreras från mötesdagen, {self.meeting_date:%Y-%m-%d}."
            )
        return outcome
