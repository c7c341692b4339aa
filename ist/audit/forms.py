from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from ist.forms import DateField
from ist.pickers import PersonField
from teams.selectors import users_visible_to

if TYPE_CHECKING:
    pass


class LogFilterForm(forms.Form):
    # A search among the users the viewer may review, not a <select> of all of them (issue 16).
    actor = PersonField(
        label=_("Användare"), search_url="audit:actor_search", required=False, empty_label=_("Alla användare")
    )
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=100,
        help_text=_("Namn eller e-post för den som uppgifterna gäller."),
    )
    date_from = DateField(label=_("Från och med"), required=False)
    date_to = DateField(label=_("Till och med"), required=False)
    action = forms.ChoiceField(
        label=_("Händelse"),
        required=False,
        choices=[("", _("Alla")), ("read", _("Läsning")), ("change", _("Ändring")), ("denied", _("Nekad åtkomst"))],
    )

    def __init__(self, *args: Any, viewer: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast("forms.ModelChoiceField[Any]", self.fields["actor"]).queryset = users_visible_to(viewer).order_by(
            "last_name", "first_name"
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Slutdatum kan inte vara före startdatum."))
        return data
