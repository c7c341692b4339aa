"""Real worker, beat, producer and Redis processes for the soak tests, each logging to a file."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
APP = ("-A", "tests.soak.celery_app")


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The suite's environment without its database and broker: the embedded default under tmp_path."""
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL"}}
    env.update(
        IST_VAR_DIR=str(tmp_path / "var"),
        IST_SOAK_RESULTS=str(tmp_path / "results.sqlite3"),
        DJANGO_SETTINGS_MODULE="ist.settings",
        DEBUG="true",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603 - our own commands


def worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """As Procfile.dev starts it."""
    return start(env, log, str(CELERY), *APP, "worker", "--pool=threads", "--concurrency=4", "--loglevel=INFO")


def produce(env: dict[str, str], log: Path, prefix: str, count: int, rate: float) -> subprocess.Popen[bytes]:
    return start(env, log, sys.executable, "-m", "tests.soak.producer", prefix, str(count), str(rate))


def processed(results: str) -> list[tuple[str, str]]:
    """(key, task id) of every message the worker processed."""
    if not Path(results).exists():
        return []
    with sqlite3.connect(results, timeout=30) as connection:
        rows = connection.execute("SELECT key, task_id FROM done").fetchall()
    connection.close()
    return rows


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait()


def tail(log: Path) -> str:
    return log.read_text(errors="replace")[-5000:]


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def wait_while_progressing(remaining: Callable[[], int], stall: float) -> int:
    """Wait until `remaining()` is 0, for as long as it keeps falling: fails (returns what is left)
    only when nothing was done for `stall` seconds. A worker that died or hangs is found as surely
    as with a fixed deadline; one that is slow because the machine is busy (the soak runs beside
    the rest of the suite) gets the time it needs."""
    left = remaining()
    last_progress = time.monotonic()
    while left and time.monotonic() - last_progress < stall:
        time.sleep(0.5)
        now = remaining()
        if now < left:
            left, last_progress = now, time.monotonic()
    return left
