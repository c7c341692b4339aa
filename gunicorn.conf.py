"""gunicorn settings (read from the working directory: /app in the image). docs/performance.md,
"National scale", has the measurements behind them; decision 0023 the reasons.

- Processes: WEB_CONCURRENCY (default 3 = cores + 1 on the 2-core reference machine). Rendering a
  page is CPU-bound Python, which threads cannot run in parallel (the GIL): parallelism comes from
  processes, and more processes than cores only add memory (~150 MB each) and context switches.
- Threads: GUNICORN_THREADS (default 4) per process (gthread workers). A thread waiting on PostgreSQL,
  on a slow client, or streaming a long response (the participant-level export, a document, a log
  extract) no longer holds a whole process: with sync workers one export blocked a third of the
  server for its duration.
- After loading the application each worker freezes its heap out of the cycle collector
  (ist/heap.py): full collections no longer walk Django's own objects, which made every few
  requests of a large page 150–250 ms slower.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = 60
graceful_timeout = 30
keepalive = 5


def post_worker_init(worker: object) -> None:
    """The worker has loaded the application: keep its long-lived objects out of the cycle
    collector's full collections (ist/heap.py)."""
    from ist.heap import settle

    settle()
