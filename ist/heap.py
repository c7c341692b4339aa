"""The Python heap of a long-running server process.

A gunicorn worker imports Django, every app, the models and the URL patterns before its first
request: a few hundred thousand objects that live as long as the process. Python's cycle collector
walks all of them in each full (oldest-generation) collection, which a page that builds many objects
(Min vecka at 160 rows, the participant page) triggers every few requests: on the national data
set such a request took 150–250 ms longer, which made Min vecka's p95 about twice its median
(docs/performance.md, "Round nine"). `gc.freeze()` moves what exists at that moment into a
permanent generation the collector no longer walks; what requests create is collected as before.
"""

from __future__ import annotations

import gc


def settle() -> None:
    """Collect what loading left behind, then freeze the rest out of the cycle collector's walks.
    Called once a process has loaded the application (gunicorn.conf.py, `post_worker_init`)."""
    gc.collect()
    gc.freeze()
