"""The statistics filter: a period and the teams."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any, cast

from django import forms

from ist.forms import DateField
from reports.statistics import Period

if TYPE_CHECKING:
    from teams.models import Team

MAX_DAYS = 3 * 366  # a longer period is a mistake more often than a wish


class StatisticsFilterForm(forms.Form):
    fran = DateField(label="Från och med")
    till = DateField(label="Till och med")
    team: forms.ModelMultipleChoiceField[Team] = forms.ModelMultipleChoiceField(
        label="Team",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Inget val betyder alla team du har tillgång till.",
    )

    def __init__(self, data: Any, *, teams: Any, today: date) -> None:
        # A missing date means the default period: this year up to today (a link may name only a team).
        data = data.copy()
        if not data.get("fran"):
            data["fran"] = date(today.year, 1, 1).isoformat()
        if not data.get("till"):
            data["till"] = today.isoformat()
        super().__init__(data)
        cast("forms.ModelChoiceField[Any]", self.fields["team"]).queryset = teams

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("fran"), cleaned.get("till")
        if start and end:
            if end < start:
                self.add_error("till", "Slutdatumet ligger före startdatumet.")
            elif (end - start).days > MAX_DAYS:
                self.add_error("till", "Välj en period på högst tre år.")
        return cleaned

    def period(self) -> Period:
        return Period(self.cleaned_data["fran"], self.cleaned_data["till"])

    def chosen_teams(self) -> Any:
        return self.cleaned_data["team"] or cast("forms.ModelMultipleChoiceField[Team]", self.fields["team"]).queryset
