"""The answering form, built from a questionnaire version's questions; and the staff's small forms."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone

from ist.forms import DateField
from ist.questionnaires.inputs import AnswerInput
from ist.questionnaires.models import How, Question

if TYPE_CHECKING:
    from ist.questionnaires.models import QuestionnaireVersion

REQUIRED = "Svara på frågan, tack."


def field_name(question: Question) -> str:
    return f"fraga_{question.pk}"


class AnswerForm(forms.Form):
    """One field per question, in order: a scale or a single choice as radio buttons, several choices as
    checkboxes, free text as a text area. Pre: the version was fetched with its questions and options
    prefetched (selectors.with_questions)."""

    def __init__(self, *args: Any, version: QuestionnaireVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.questions = list(version.questions.all())
        for question in self.questions:
            choices = [(str(option.pk), option.label) for option in question.options.all()]
            common: dict[str, Any] = {
                "label": question.text,
                "help_text": question.help_text,
                "required": question.required,
                "error_messages": {"required": REQUIRED, "invalid_choice": "Välj ett av svarsalternativen."},
            }
            field: forms.Field
            if question.answer_type in (Question.Type.SCALE, Question.Type.SINGLE):
                field = forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
            elif question.answer_type == Question.Type.MULTIPLE:
                field = forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
            else:
                field = forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), strip=True, **common)
            self.fields[field_name(question)] = field

    def rows(self) -> list[tuple[forms.BoundField, bool]]:
        """(field, whether it is a group of choices) per question, for the template."""
        return [(self[field_name(q)], q.has_options) for q in self.questions]

    def answers(self) -> list[AnswerInput]:
        result = []
        for question in self.questions:
            value = self.cleaned_data.get(field_name(question))
            if not value:
                continue
            if question.answer_type == Question.Type.TEXT:
                result.append(AnswerInput(question_id=question.pk, text=str(value)))
            else:
                ids = value if isinstance(value, list) else [value]
                result.append(AnswerInput(question_id=question.pk, option_ids=tuple(int(v) for v in ids)))
        return result


class PaperForm(AnswerForm):
    """Staff typing in a paper form: the answers and the day it was filled in."""

    def __init__(self, *args: Any, version: QuestionnaireVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["answered_on"] = DateField(
            label="Ifylld (datum på pappret)", initial=timezone.localdate, error_messages={"required": REQUIRED}
        )

    def clean_answered_on(self) -> date:
        day: date = self.cleaned_data["answered_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("Datumet kan inte vara i framtiden.")
        return day


class HandOutForm(forms.Form):
    """How the handledare hands a questionnaire out, for which due rule and occasion (none: an extra one)."""

    how = forms.ChoiceField(
        choices=[(How.LINK, "Engångslänk och QR-kod"), (How.PARTICIPANT_MODE, "Deltagarläge"), ("epost", "E-post")],
        error_messages={
            "required": "Välj hur enkäten ska lämnas ut.",
            "invalid_choice": "Välj hur enkäten ska lämnas ut.",
        },
    )
    rule = forms.IntegerField(required=False, widget=forms.HiddenInput)
    occasion = DateField(required=False, widget=forms.HiddenInput)
    form_token = forms.UUIDField(required=False, widget=forms.HiddenInput)
