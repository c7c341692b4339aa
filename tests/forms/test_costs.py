"""The fuzz's shards cut by cost (tests/forms/costs.py): every form in exactly one shard, the
shards about even, the costliest first, the same cut whatever order the forms come in."""

from __future__ import annotations

import re

from tests.forms.costs import NEW_FORM_MS, SUBMIT_MS, by_cost, submit_ms
from tests.forms.discovery import Form

# A value for each path converter of the routes, so a route becomes a URL that resolves back to it.
EXAMPLE_VALUES = {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001", "str": "plan", "label": "2026Q3"}


def form(method: str, route: str) -> Form:
    url = "/" + re.sub(r"<(\w+):\w+>", lambda match: EXAMPLE_VALUES[str(match.group(1))], route)
    return Form(page=url, method=method, targets=[(url, False)])


def measured_forms() -> list[tuple[int, Form]]:
    """A form for each route of the table, numbered."""
    return [(index, form(method, route)) for index, (method, route) in enumerate(SUBMIT_MS)]


def test_the_table_is_keyed_as_the_fuzz_keys_forms_and_an_unknown_form_costs_the_default() -> None:
    # A stale key (a route renamed or removed since) would never match: the fuzz would still run
    # that form, at the default cost. Measure again then (FORM_FUZZ_TIMES=1, tests/forms/costs.py).
    assert [submit_ms(entry) for _index, entry in measured_forms()] == list(SUBMIT_MS.values())
    assert submit_ms(form("post", "nytt-formular/")) == NEW_FORM_MS


def cost(shard: list[tuple[int, Form]]) -> int:
    return sum(submit_ms(entry) for _index, entry in shard)


def test_every_form_is_in_exactly_one_shard_and_every_shard_has_one() -> None:
    forms = measured_forms()
    shards = by_cost(forms, 24)
    assert sorted(index for shard in shards for index, _form in shard) == list(range(len(forms)))
    assert all(shards)


def test_the_shards_are_about_even_and_the_costliest_comes_first() -> None:
    shards = by_cost(measured_forms(), 24)
    costs = [cost(shard) for shard in shards]
    assert costs == sorted(costs, reverse=True)
    dearest_form = max(submit_ms(entry) for _index, entry in measured_forms())
    # Longest first leaves shards at most one form's cost apart.
    assert costs[0] - costs[-1] <= dearest_form


def test_the_cut_does_not_depend_on_the_order_the_forms_were_found_in() -> None:
    forms = measured_forms()
    shuffled = list(reversed(forms[::2])) + forms[1::2]
    as_found = [[index for index, _form in shard] for shard in by_cost(forms, 24)]
    assert [[index for index, _form in shard] for shard in by_cost(shuffled, 24)] == as_found
