"""The five IST and the six municipalities of Halland, as seeded by migration.

Kept as plain data so the data migration and `seed_demo` share one source.
"""

from __future__ import annotations

# (slug, name, e-mail)
TEAMS = [
    ("laholm", "IST Laholm", "ist.laholm@samordningsforbundet-halland.se"),
    ("halmstad-hylte", "IST Halmstad/Hylte", "ist.halmstad@samordningsforbundet-halland.se"),
    ("falkenberg", "IST Falkenberg", "ist.falkenberg@samordningsforbundet-halland.se"),
    ("varberg", "IST Varberg", "ist.varberg@samordningsforbundet-halland.se"),
    ("kungsbacka", "IST Kungsbacka", "ist.kungsbacka@samordningsforbundet-halland.se"),
]

# (SCB municipality code, name, team slug)
MUNICIPALITIES = [
    ("1315", "Hylte", "halmstad-hylte"),
    ("1380", "Halmstad", "halmstad-hylte"),
    ("1381", "Laholm", "laholm"),
    ("1382", "Falkenberg", "falkenberg"),
    ("1383", "Varberg", "varberg"),
    ("1384", "Kungsbacka", "kungsbacka"),
]
