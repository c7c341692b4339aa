"""Hypothesis strategies for what a user (or a broken client, or an attacker) can put in a form.

Each control gets, mixed: what the page offered (so many submits get far into the view), nothing,
the edge values of its type (dates in year 9999 or 0001, ISO weeks out of range, integers beyond
PostgreSQL's, times past midnight) and arbitrary text: NUL bytes, very long strings, right-to-left
marks, markup. Some controls are left out, some sent twice."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from tests.forms.discovery import Control, Form

DATES = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2100-12-31",
    "2101-01-01",
    "2026-02-30",
    "2026-13-01",
    "20261201",
    "2026-12-01T10:00",
    "99999-01-01",
    "-2026-01-01",
]
WEEKS = ["9999-W52", "0001-W01", "2026-W53", "2026-W00", "2026-W99", "2026W47", "-1-W1"]
INTEGERS = ["-1", "0", "2147483648", "-2147483649", "9" * 30, "1e3", "²", "١٢", "0x10", " 5 ", "NaN", "inf", "3.5"]
TIMES = ["24:00", "23:59", "25:61", "12:00:00.5", "-1:00", "9"]
NASTY = [
    "\x00",
    "a\x00b",
    "x" * 256,
    "å" * 5000,
    "<script>alert(1)</script>",
    "' OR 1=1--",
    "\u202eevil",
    "😀",
    " ",
    "\r\n",
    "=SUM(A1)",
    "../../etc/passwd",
    str(uuid.uuid4()),
    "00000000-0000-0000-0000-000000000000",
    "19121212-1212",
    "abc@",
]
# Arbitrary text from a small alphabet of the characters that break things (cheap to draw; Hypothesis'
# full Unicode strategy costs more per example than the request it feeds).
TEXT = st.text(alphabet=st.sampled_from("aZ09 -_.,:;/\\'\"<>&%=+@\x00\t\n\råäöÅÄÖé€😀\u202e\u200b\ufeff"), max_size=40)


def _kind_edges(control: Control) -> list[str]:
    kind, name = control.kind, control.name.lower()
    if kind == "date" or "date" in name or name in ("fran", "till", "on", "received_on", "new_end", "decided_on"):
        return DATES
    if "vecka" in name or kind == "week":
        return WEEKS
    if kind == "number" or name in ("version", "revision", "generation", "team", "days") or name.endswith("_id"):
        return INTEGERS
    if kind == "time" or "time" in name:
        return TIMES
    return []


def control_values(control: Control) -> st.SearchStrategy[Any]:  # built once per control and form
    """The values one control is submitted with: None (left out), a string, or a list of them."""
    offered = list(dict.fromkeys([*control.options, *control.checked, control.value]))
    single = st.one_of(
        st.sampled_from(offered or [""]),
        st.sampled_from(_kind_edges(control) or NASTY),
        st.sampled_from(NASTY),
        TEXT,
    )
    if control.kind == "file":
        return st.sampled_from([None, "pdf", "text"])
    edges = _kind_edges(control)
    return st.one_of(
        st.none(),
        single,
        single,
        *([st.sampled_from(edges)] * 2 if edges else []),  # a date field gets dates, most of all
        st.lists(single, min_size=2, max_size=3),  # sent twice, or a multiple choice
    )


def upload(kind: str | None) -> Any:
    if kind == "pdf":
        return SimpleUploadedFile("remiss.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n", "application/pdf")
    return SimpleUploadedFile("remiss.pdf", b"not a pdf \x00\x01", "application/pdf")


PLAUSIBLE = {"date": "2026-03-02", "time": "10:00", "number": "1", "email": "test@ist.example", "tel": "0701234567"}


def plausible(control: Control) -> Any:
    """What a user who fills the form in sensibly sends: the page's own value, the first real choice,
    or an ordinary value of the control's type. None: nothing (a file, an unchecked box)."""
    if control.kind == "file":
        return None
    if control.kind == "checkbox":
        return control.checked or None
    if control.kind in ("radio", "select", "submit"):
        chosen = [v for v in control.checked if v] or [v for v in control.options if v]
        return chosen[0] if chosen else ""
    if control.value or control.kind in ("hidden", "password"):
        return control.value
    return PLAUSIBLE.get(control.kind, "Test")


def submissions(form: Form) -> st.SearchStrategy[tuple[str, bool, dict[str, Any]]]:
    """One submit of `form`: the target (plain or htmx) and the data. Mostly a sensible submit with
    one control changed (so the edge value reaches the view and the service behind it), sometimes
    every control at random."""
    base = {name: plausible(control) for name, control in form.controls.items()}
    per_control = {name: control_values(control) for name, control in form.controls.items()}
    extra: st.SearchStrategy[dict[str, str]] = st.one_of(
        st.just({}),
        st.just({}),
        st.dictionaries(st.sampled_from(["x", "pk", "sida", "vecka", "\x00"]), st.sampled_from(NASTY), max_size=1),
    )
    one_changed = (
        st.one_of([st.tuples(st.just(name), values) for name, values in per_control.items()]).map(
            lambda changed: {**base, changed[0]: changed[1]}
        )
        if per_control
        else st.just(base)
    )
    every_changed = st.fixed_dictionaries(per_control)
    values = st.one_of(one_changed, one_changed, one_changed, every_changed)

    def build(parts: tuple[tuple[str, bool], dict[str, Any], dict[str, str]]) -> tuple[str, bool, dict[str, Any]]:
        (url, htmx), drawn, noise = parts
        data: dict[str, Any] = {
            name: upload(value) if form.controls[name].kind == "file" else value
            for name, value in drawn.items()
            if value is not None
        }
        return url, htmx, {**noise, **data}

    return st.tuples(st.sampled_from(form.targets), values, extra).map(build)
