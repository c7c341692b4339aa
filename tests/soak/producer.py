"""A producer in a process of its own: `python -m tests.soak.producer PREFIX COUNT RATE`.

Sends COUNT `soak.record` messages keyed PREFIX-0 … PREFIX-(COUNT-1), RATE per second (0: as fast
as it can, a burst), each on its own publish as a web request would.
"""

from __future__ import annotations

import sys
import time

from tests.soak.celery_app import record


def main(prefix: str, count: int, rate: float) -> None:
    start = time.monotonic()
    for n in range(count):
        if rate:
            delay = start + n / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        record.delay(f"{prefix}-{n}")
    print(f"producer {prefix}: sent {count} in {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
