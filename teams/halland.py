"""The five IST and the six municipalities of Halland, as seeded by migration.

Kept as plain data so the data migration and `seed_demo` share one source.
"""

from __future__ import annotations

# (slug, name, place in the team's e-mail address "ist.<ort>@…"). The migration
# leaves the address empty: the real domain is for the administrator to enter,
# and a guessed one would send mail to strangers. Demo data fills it in.
TEAMS = [
    ("laholm", "IST Laholm", "laholm"),
    ("halmstad-hylte", "IST Halmstad/Hylte", "halmstad"),
    ("falkenberg", "IST Falkenberg", "falkenberg"),
    ("varberg", "IST Varberg", "varberg"),
    ("kungsbacka", "IST Kungsbacka", "kungsbacka"),
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
