"""Services take typed, named fields: keyword arguments or a frozen dataclass per use case, never a
free dictionary (docs/architecture.md "Services", docs/decisions/0022). A public function of a
services module whose parameter is a dict or mapping keyed by names (also inside a list), `Any`,
`object`, `**kwargs` or not annotated fails here (a mapping keyed by ids, e.g. enrolment id ->
attendance, is typed data). So the model is guarded by the service's signature, not by a form's
field list."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["ist", "teams", "referrals", "participants", "reports"]
# Modules that hold services without the name (consent and identity; running meetings, enrolments on agendas).
ALSO = ["participants.privacy", "referrals.meetings", "participants.agenda"]
# A dict or mapping keyed by names (str, or not said), Any or object. A mapping keyed by ids
# (`attendance: dict[int, str]`, enrolment id -> attendance) is typed data, not a bag of fields.
FREE = re.compile(r"\b(?:dict|Dict|Mapping|MutableMapping)\b(?!\[int\b)|\bAny\b|\bobject\b")


def service_modules() -> list[str]:
    found = [
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for app in APPS
        for path in sorted((ROOT / app).rglob("services.py"))
        if "migrations" not in path.parts
    ]
    return [*found, *ALSO]


def public_functions(module: ModuleType) -> list[tuple[str, inspect.Signature]]:
    return [
        (name, inspect.signature(function))
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    ]


def offences(signature: inspect.Signature) -> list[str]:
    found = []
    for parameter in signature.parameters.values():
        annotation = parameter.annotation
        if parameter.kind is inspect.Parameter.VAR_KEYWORD:
            found.append(f"**{parameter.name}")
        elif annotation is inspect.Parameter.empty:
            found.append(f"{parameter.name} (not annotated)")
        elif FREE.search(annotation if isinstance(annotation, str) else repr(annotation)):
            found.append(f"{parameter.name}: {annotation}")
    return found


def test_every_services_module_is_found() -> None:
    modules = service_modules()
    assert {"referrals.services", "participants.services", "participants.documents.services"} <= set(modules)
    assert len(modules) >= 8


@pytest.mark.parametrize("name", service_modules())
def test_no_service_takes_a_free_dictionary(name: str) -> None:
    module = importlib.import_module(name)
    functions = public_functions(module)
    assert functions, f"{name} has no public functions"
    bad = {function: found for function, signature in functions if (found := offences(signature))}
    assert bad == {}, f"{name}: services take typed, named fields, not {bad}"


def test_the_check_catches_a_free_dictionary() -> None:
    def referral_save(*, data: dict[str, int], rows: list[dict[str, str]], file: Any, **extra: str) -> None: ...

    def referral_ok(*, values: int, when: str | None = None, by_id: dict[int, str]) -> None: ...

    assert offences(inspect.signature(referral_save)) == [
        "data: dict[str, int]",
        "rows: list[dict[str, str]]",
        "file: Any",
        "**extra",
    ]
    assert offences(inspect.signature(referral_ok)) == []
