"""Search-as-you-type pickers of people, instead of a `<select>` of every user (issue 16).

A `PersonField` renders a search box and, below it, at most `LIMIT` matches as radio buttons
(templates/components/person_picker.html). With JavaScript, htmx asks the picker's search URL for
the matches while the user types (`search_view` answers with the same list), and static/js/picker.js
moves between the box and the list with the arrow keys and closes it with Escape. Without
JavaScript, the typed text is sent with the form: one match is taken, several are shown as the list
to choose from (a validation error beside the field), so nothing typed is lost.

The field validates against the same scoped queryset the old `<select>` listed, so a posted id the
user could not have picked is an error (docs/decisions/0024-national-pages.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import Model, Q, QuerySet
from django.forms.utils import flatatt
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LIMIT = 20  # matches shown at most; the user types more to narrow
SEARCH_SUFFIX = "_q"  # the search box's name: the field's name plus this
RESULTS = "components/person_picker_results.html"
NAME = re.compile(r"^[a-z][a-z0-9_-]{0,40}$")


def matching(queryset: QuerySet[Any], text: str, *, fields: tuple[str, ...]) -> QuerySet[Any]:
    """The rows of `queryset` where every word of `text` is in one of `fields` (case-insensitive).
    A NUL byte separates words: no stored text holds one, and PostgreSQL refuses it in a query."""
    condition = Q()
    for word in text.replace("\x00", " ").split()[:5]:
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return queryset.filter(condition)


class PersonPicker(forms.Widget):
    """A search box and the matches as radio buttons; the value is the chosen row's primary key."""

    template_name = "components/person_picker.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.field: PersonField | None = None

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        """With the project's templates (templates/components/), not the form renderer's own."""
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 (a template's output)

    def value_from_datadict(self, data: Any, files: Any, name: str) -> tuple[str, str]:
        return (data.get(name, "") or "", (data.get(name + SEARCH_SUFFIX, "") or "")[:100])

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and name + SEARCH_SUFFIX not in data

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        field = self.field
        if field is None:
            raise TypeError("PersonPicker is rendered by a PersonField")
        chosen, text = value if isinstance(value, tuple) else (value, "")
        matches, more = field.matches(text) if text.strip() else ([], False)
        selected = field.chosen(chosen)
        if selected is not None and all(pk != selected[0] for pk, _label in matches):
            matches = [selected, *matches]
        attrs = dict(context["widget"]["attrs"])
        attrs.pop("required", None)  # the radio holds the value; the server checks
        context["picker"] = {
            "attrs": flatatt(attrs),
            "id": context["widget"]["attrs"].get("id", f"id_{name}"),
            "name": name,
            "text": text,
            "search_name": name + SEARCH_SUFFIX,
            "search_url": reverse(field.search_url),
            "matches": matches,
            "more": more,
            "searched": bool(text.strip()),
            "selected": str(selected[0]) if selected else "",
            "required": field.required,
            "empty_label": field.empty_label,
            "label": field.label,
        }
        return context


class PersonField(forms.Field):
    """One person out of a scoped queryset, picked by searching. `search_url` names the URL that
    answers the search box (built with `search_view` on the same queryset)."""

    widget = PersonPicker
    default_error_messages = {
        "required": "Välj en person.",
        "invalid_choice": "Välj en person i listan.",
        "none": "Ingen person matchar sökningen.",
        "several": "Flera personer matchar: välj en i listan eller skriv mer.",
    }

    def __init__(
        self,
        *,
        search_url: str,
        search_fields: tuple[str, ...] = ("first_name", "last_name", "email"),
        label_from_instance: Callable[[Any], str] | None = None,
        empty_label: StrOrPromise = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.search_url = search_url
        self.search_fields = search_fields
        self.label_from_instance = label_from_instance or (lambda user: user.get_full_name())
        self.empty_label = empty_label
        self._queryset: QuerySet[Any] | None = None
        cast("PersonPicker", self.widget).field = self

    def __deepcopy__(self, memo: dict[int, Any]) -> PersonField:
        result = cast("PersonField", super().__deepcopy__(memo))  # type: ignore[misc]  # Django's Field has it; the stubs omit it
        cast("PersonPicker", result.widget).field = result  # each form's copy renders its own queryset
        return result

    @property
    def queryset(self) -> QuerySet[Any]:
        if self._queryset is None:
            raise ValueError("PersonField needs a queryset")
        return self._queryset

    @queryset.setter
    def queryset(self, value: QuerySet[Any]) -> None:
        self._queryset = value

    def matches(self, text: str) -> tuple[list[tuple[int, str]], bool]:
        """At most LIMIT matches of the text as (pk, label), and whether there were more. One query."""
        rows = list(matching(self.queryset, text, fields=self.search_fields)[: LIMIT + 1])
        return [(row.pk, self.label_from_instance(row)) for row in rows[:LIMIT]], len(rows) > LIMIT

    def chosen(self, value: Any) -> tuple[int, str] | None:
        row = self._row(value)
        return (row.pk, self.label_from_instance(row)) if row is not None else None

    def _row(self, value: Any) -> Model | None:
        if value in (None, ""):
            return None
        if isinstance(value, Model):
            return value
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        return self.queryset.filter(pk=pk).first()

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Model):
            return value.pk
        return value

    def to_python(self, value: Any) -> Model | None:
        chosen, text = value if isinstance(value, tuple) else (value, "")
        if chosen not in (None, ""):
            row = self._row(chosen)
            if row is None:  # not one the user could have picked (another team's, or made up)
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
            return row
        if not text.strip():
            return None
        found, more = self.matches(text)
        if not found:
            raise forms.ValidationError(self.error_messages["none"], code="none")
        if len(found) > 1 or more:
            raise forms.ValidationError(self.error_messages["several"], code="several")
        return self._row(found[0][0])

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def has_changed(self, initial: Any, data: Any) -> bool:
        chosen = data[0] if isinstance(data, tuple) else data
        return str(self.prepare_value(initial) or "") != str(chosen or "")


def search_view(request: HttpRequest, field: PersonField, *, name: str) -> HttpResponse:
    """The matches of `?q=` for a picker named `name` (the list htmx puts under the search box).
    One query; the field's queryset is the scope."""
    if not NAME.match(name):
        raise ValueError(name)
    text = (request.GET.get("q") or request.GET.get(name + SEARCH_SUFFIX) or "")[:100]
    matches, more = field.matches(text) if text.strip() else ([], False)
    context = {
        "picker": {
            "id": f"id_{name}",
            "oob": True,  # the status line beside the list is replaced too (it is a live region)
            "name": name,
            "matches": matches,
            "more": more,
            "searched": bool(text.strip()),
            "selected": "",
            "empty_label": field.empty_label,
            "required": field.required,
            "label": field.label,
        }
    }
    return render(request, RESULTS, context)
