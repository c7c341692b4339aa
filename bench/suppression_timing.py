"""Time reports.suppression.suppress on random count tables (issue 17: the exact pinning check).

Run: DEBUG=true .venv/bin/python bench/suppression_timing.py
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ist.settings")

import django

django.setup()

from reports.suppression import suppress  # noqa: E402


def main() -> None:
    rng = random.Random(17)  # noqa: S311 - reproducible test tables, not secrets
    for rows, cols in [(4, 2), (12, 2), (30, 2), (9, 9), (40, 3)]:
        values = [0, 1, 2, 3, 4, 6, 9, 15, 30]
        tables = [[[rng.choice(values) for _ in range(cols)] for _ in range(rows)] for _ in range(20)]
        start = time.perf_counter()
        for cells in tables:
            suppress(cells, limit=5)
        per = (time.perf_counter() - start) / len(tables) * 1000
        print(f"{rows:>3} x {cols}: {per:7.2f} ms per table (mean of 20 random tables, about a third small)")


if __name__ == "__main__":
    main()
