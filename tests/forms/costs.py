"""What one fuzz submit of each form costs, and the fuzz's shards cut by that cost
(tests/forms/test_fuzz.py).

The shards were cut by position in the route-sorted list of forms, so their lengths depended on
which forms happened to fall together. Cut by cost instead, every shard is about as long as the
others and the costliest start first: the last shard to finish is a short one, not one that holds
two of the dearest forms."""

from __future__ import annotations

from typing import TypeVar

from tests.forms.discovery import Form

# Milliseconds of the test process's CPU per submit, by form key (method, route), as printed by
# `FORM_FUZZ_TIMES=1` (measured 2026-12-07 with FORM_FUZZ_EXAMPLES=20, one process; the wall clock
# under the shared machine's load was 3–10 times these, so CPU is the steadier measure). Only the
# proportions matter: a stale figure makes a shard a little longer, it never skips a form.
SUBMIT_MS: dict[tuple[str, str], int] = {
    ("get", "statistik/"): 69,
    ("post", "deltagare/skriv-in/<int:referral_pk>/"): 69,
    ("post", "deltagare/<int:enrollment_pk>/avslut/"): 51,
    ("post", "remisser/<int:pk>/dagordning/"): 51,
    ("post", "remisser/<int:pk>/granska/"): 51,
    ("post", "remisser/<int:pk>/komplettering/"): 48,
    ("get", "deltagare/"): 47,
    ("post", "remisser/moten/punkt/<int:item_pk>/beslut/"): 43,
    ("post", "deltagare/dokument/<uuid:public_id>/autospara/"): 42,
    ("post", "remisser/registrera/"): 42,
    ("post", "remisser/<int:pk>/andra/"): 41,
    ("get", "remisser/inkommande/"): 40,
    ("post", "gallring/sparr/"): 38,
    ("post", "remisser/<int:referral_pk>/informationsmote/nytt/"): 38,
    ("post", "deltagare/<int:enrollment_pk>/samverkansteam/"): 37,
    ("post", "deltagare/<int:enrollment_pk>/skyddade-personuppgifter/"): 35,
    ("post", "deltagare/samtycke/<int:referral_pk>/"): 34,
    ("post", "konto/tvasteg/ny/app/"): 34,
    ("post", "deltagare/<int:enrollment_pk>/fas/"): 33,
    ("post", "deltagare/samtycke/<int:referral_pk>/aterkalla/"): 33,
    ("post", "remisser/informationsmote/<int:pk>/"): 33,
    ("post", "remisser/ny/"): 33,
    ("post", "deltagare/<int:enrollment_pk>/handledare/"): 32,
    ("post", "deltagare/<int:enrollment_pk>/enkat/<int:questionnaire_pk>/papper/"): 31,
    ("post", "deltagare/<int:enrollment_pk>/flytta-team/"): 31,
    ("post", "deltagare/grupp/ny/"): 31,
    ("post", "deltagare/<int:enrollment_pk>/forlang/"): 29,
    ("post", "deltagare/dokument/<uuid:public_id>/ratta/"): 29,
    ("post", "remisser/moten/<int:pk>/narvaro/"): 29,
    ("post", "remisser/moten/<int:pk>/punkt/<int:item_pk>/ta-bort/"): 29,
    ("get", "deltagare/<int:enrollment_pk>/aktiviteter/"): 28,
    ("post", "deltagare/<int:pk>/kontakter/"): 28,
    ("post", "deltagare/aktivitet/<int:activity_pk>/"): 28,
    ("get", "remisser/mina/"): 27,
    ("post", "deltagare/<int:enrollment_pk>/enkat/<int:questionnaire_pk>/lamna-ut/"): 27,
    ("get", "deltagare/vecka/"): 26,
    ("post", "deltagare/grupper/ny/"): 26,
    ("post", "deltagare/person/<int:participant_pk>/ratta/"): 26,
    ("post", "remisser/fragor/<int:pk>/dagordning/"): 26,
    ("post", "remisser/fragor/registrera/"): 26,
    ("post", "deltagare/<int:enrollment_pk>/aktivitet/ny/"): 25,
    ("post", "deltagare/<int:pk>/dokument/ny/<str:kind>/"): 23,
    ("post", "deltagare/samverkansteam/mote/<int:meeting_pk>/"): 22,
    ("post", "deltagare/uppfoljning/<int:follow_up_pk>/"): 22,
    ("post", "remisser/fragor/ny/"): 21,
    ("get", "logg/"): 20,
    ("get", "deltagare/dokument/"): 19,
    ("post", "rapporter/<str:kind>/<label:label>/skapa/"): 19,
    ("post", "konto/tvasteg/reservkoder/"): 18,
    ("post", "att-gora/installningar/"): 17,
    ("post", "registerutdrag/"): 17,
    ("post", "remisser/moten/nytt/"): 17,
    ("get", "deltagare/arbetsfordelning/flytta/"): 16,
    ("post", "konto/password_change/"): 15,
    ("post", "statistik/deltagarexport/"): 13,
    ("post", "att-gora/<int:pk>/pausa/"): 12,
    ("post", "att-gora/<int:pk>/klar/"): 11,
    ("post", "konto/password_reset/"): 9,
    ("post", "konto/tvasteg/ny/nyckel/"): 9,
    ("post", "konto/login/"): 7,
}
# A form found since the table was measured counts as one of the dearer ones: it then starts early,
# where a wrong guess is evened out by the shards after it, instead of ending the run on its own.
NEW_FORM_MS = 50

Entry = TypeVar("Entry")


def submit_ms(form: Form) -> int:
    return SUBMIT_MS.get(form.key, NEW_FORM_MS)


def by_cost(entries: list[tuple[Entry, Form]], count: int) -> list[list[tuple[Entry, Form]]]:
    """`entries` cut into `count` shards of about equal cost, costliest shard first.

    Longest first: each form, dearest first, goes to the shard with the least cost so far. The
    order is total (cost, then key), so every xdist worker cuts the same list the same way and
    every form is in exactly one shard."""
    shards: list[list[tuple[Entry, Form]]] = [[] for _ in range(count)]
    totals = [0] * count
    for entry in sorted(entries, key=lambda entry: (-submit_ms(entry[1]), entry[1].key)):
        emptiest = min(range(count), key=lambda index: (totals[index], index))
        shards[emptiest].append(entry)
        totals[emptiest] += submit_ms(entry[1])
    return [shards[index] for index in sorted(range(count), key=lambda index: (-totals[index], index))]
