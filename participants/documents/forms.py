"""Forms for writing documents: shape and Swedish messages per field; the rules (what a final
document needs, who may write) live in services and selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.forms import formset_factory

from ist.forms import DateField, DateInput, formfield
from ist.pickers import PersonField
from ist.uploads import UploadField
from participants.documents.inputs import DocumentContent
from participants.documents.models import Document, Evaluation, Responsible
from participants.documents.services import CONTENT_FIELDS

if TYPE_CHECKING:
    from participants.documents.models import Contact


class DocumentForm(forms.ModelForm):
    """The content of a draft: the fields of its kind (everything optional until it is finalised)."""

    signed_copy = UploadField(label="Inskannad underskriven plan", required=False)

    class Meta:
        model = Document
        formfield_callback = formfield
        fields = [
            "period_start",
            "period_end",
            "direction",
            "goal",
            "support",
            "own_words",
            "progress",
            "assessment",
            "changes",
            "summary",
            "recommendations",
            "next_steps",
            "agreed_on",
            "signed_returned_on",
            "change_note",
            "signed_copy",
        ]
        widgets = {
            "period_start": DateInput(),
            "period_end": DateInput(),
            "agreed_on": DateInput(),
            "signed_returned_on": DateInput(),
            **{
                name: forms.Textarea(attrs={"rows": 3})
                for name in ("support", "own_words", "assessment", "changes", "change_note")
            },
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        document = self.instance
        keep = set(CONTENT_FIELDS[document.kind])
        if document.version > 1:
            keep.add("change_note")
        if document.kind == Document.Kind.ACTION_PLAN:
            keep.add("signed_copy")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for field in self.fields.values():
            field.required = False
        if "direction" in self.fields:
            self.fields["direction"].widget = forms.RadioSelect(choices=Document.Direction.choices)
        if document.kind == Document.Kind.CLOSING and "next_steps" in self.fields:
            self.fields["next_steps"].label = "Föreslagna nästa steg"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "Perioden kan inte sluta före den börjar.")
        agreed, returned = data.get("agreed_on"), data.get("signed_returned_on")
        if agreed and returned and returned < agreed:
            self.add_error(
                "signed_returned_on", "Den underskrivna kopian kan inte ha kommit tillbaka före godkännandet."
            )
        return data

    def content(self) -> DocumentContent:
        """The posted content, typed, for document_save_draft (the file and the change note go separately)."""
        posted = {name: self.cleaned_data[name] for name in CONTENT_FIELDS[self.instance.kind] if name in self.fields}
        return DocumentContent.of(self.instance, **posted)


class SubGoalForm(forms.Form):
    goal = forms.CharField(label="Delmål", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    activities = forms.CharField(label="Aktiviteter", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.ChoiceField(label="Ansvarig", required=False, choices=[("", "– välj –"), *Responsible.choices])
    due_on = DateField(label="Klart senast", required=False)

    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("goal", "activities", "responsible", "due_on"))


class EvaluationForm(forms.Form):
    result = forms.ChoiceField(
        label="Bedömning", required=False, choices=Evaluation.Result.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(label="Kommentar", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlannedActivityForm(forms.Form):
    count = forms.IntegerField(
        label="Antal",
        min_value=0,
        max_value=20,
        error_messages={"invalid": "Ange ett heltal.", "required": "Ange antal."},
    )
    per_weeks = forms.IntegerField(
        label="Per antal veckor",
        min_value=1,
        max_value=12,
        error_messages={"invalid": "Ange ett heltal.", "required": "Ange antal veckor."},
    )
    note = forms.CharField(label="Anteckning", required=False, max_length=200)


SubGoalFormSet = formset_factory(SubGoalForm, extra=0)
EvaluationFormSet = formset_factory(EvaluationForm, extra=0)
PlannedFormSet = formset_factory(PlannedActivityForm, extra=0)


class RecipientsForm(forms.Form):
    """Which of the participant's contacts also get the document (the referrer always does)."""

    recipients: forms.ModelMultipleChoiceField[Contact] = forms.ModelMultipleChoiceField(
        label="Ska också få dokumentet", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, contacts: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelMultipleChoiceField[Contact]", self.fields["recipients"])
        field.queryset = contacts
        field.label_from_instance = lambda obj: f"{obj.user.get_full_name()} ({obj.role or 'kontakt'})"  # type: ignore[method-assign]  # Django's way to label the choices


class ContactForm(forms.Form):
    # A search among the referrers, not a <select> of all of them (2,000 nationally; issue 16).
    user = PersonField(
        label="Person",
        search_url="participants:contact_search",
        search_fields=("first_name", "last_name", "email", "organisation__name"),
        label_from_instance=lambda u: f"{u.get_full_name()}, {u.organisation}",
    )
    role = forms.CharField(label="Roll", required=False, max_length=120, help_text="T.ex. handläggare sjukpenning.")

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("PersonField", self.fields["user"]).queryset = people


def contact_candidates() -> Any:
    """The people who can be a contact: active accounts of the partner organisations (referrers).
    Names and organisations only, which every staff member may see."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(is_active=True, is_referrer=True)
        .select_related("organisation")
        .order_by("first_name", "last_name", "pk")
    )


class PersonFilter(forms.Form):
    """The filter of "Dokument": one text field, never a list of people."""

    person = forms.CharField(
        label="Person",
        required=False,
        max_length=60,
        help_text="Förnamn, efternamn eller personnummer (hela eller en del).",
        error_messages={"max_length": "Skriv högst %(limit_value)d tecken."},
    )
