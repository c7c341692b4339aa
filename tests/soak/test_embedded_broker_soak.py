"""Soak of the embedded default's broker (docs/decisions/0014-embedded-broker.md).

Real `celery worker` and `celery beat` processes, configured as `make run` starts them (threads
pool, the embedded SQLite broker in a directory of their own, whatever the suite's broker is),
take a steady stream from one producer process and, halfway, a burst from a second one that
writes at the same time. Every message must be processed exactly once, beat's ticks must arrive,
and both processes must still be running at the end and stop cleanly.

IST_SOAK_SECONDS sets how long the stream runs (default 20 locally; CI runs at least 180). It is
run in a pytest invocation of its own, in the background of `make pytest`, so it adds no wall
time to the suite (`make soak` runs it alone).
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.soak

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
SECONDS = int(os.environ.get("IST_SOAK_SECONDS", "20"))
RATE = 15  # messages per second of the steady producer
BURST = 1000  # messages the second producer sends as fast as it can
DRAIN_TIMEOUT = 120  # seconds the worker gets to finish what is queued after the producers end


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CELERY_BROKER_URL", "REDIS_URL", "DATABASE_URL"}}
    env.update(
        IST_VAR_DIR=str(tmp_path / "var"),
        IST_SOAK_RESULTS=str(tmp_path / "results.sqlite3"),
        DJANGO_SETTINGS_MODULE="ist.settings",
        DEBUG="true",
        PYTHONPATH=str(ROOT),
    )
    # The real beat schedule runs too (heartbeat, sweeps), so the app database must exist.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return env


def start(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)  # noqa: S603 - our own commands


@pytest.fixture
def worker_and_beat(embedded_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen, ...]]:
    app = ["-A", "tests.soak.celery_app"]
    worker = start(
        embedded_env,
        tmp_path / "worker.log",
        *(str(CELERY), *app, "worker", "--pool=threads", "--concurrency=4", "--loglevel=INFO"),
    )
    beat = start(
        embedded_env,
        tmp_path / "beat.log",
        *(str(CELERY), *app, "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")),
    )
    yield worker, beat
    for process in (worker, beat):
        if process.poll() is None:
            process.kill()
            process.wait()


def processed(results: str) -> list[tuple[str, str]]:
    if not Path(results).exists():
        return []
    with sqlite3.connect(results, timeout=30) as connection:
        rows = connection.execute("SELECT key, task_id FROM done").fetchall()
    connection.close()
    return rows


def test_worker_and_beat_process_every_message_exactly_once_and_stay_alive(
    embedded_env: dict[str, str], worker_and_beat: tuple[subprocess.Popen, ...], tmp_path: Path
) -> None:
    worker, beat = worker_and_beat
    steady_count = SECONDS * RATE
    producer = [sys.executable, "-m", "tests.soak.producer"]
    started = time.monotonic()
    steady = start(embedded_env, tmp_path / "steady.log", *producer, "steady", str(steady_count), str(RATE))
    time.sleep(SECONDS / 2)
    burst = start(embedded_env, tmp_path / "burst.log", *producer, "burst", str(BURST), "0")
    assert burst.wait(timeout=SECONDS + 300) == 0, (tmp_path / "burst.log").read_text()
    assert steady.wait(timeout=SECONDS + 300) == 0, (tmp_path / "steady.log").read_text()

    expected = {f"steady-{n}" for n in range(steady_count)} | {f"burst-{n}" for n in range(BURST)}
    deadline = time.monotonic() + DRAIN_TIMEOUT
    rows = processed(embedded_env["IST_SOAK_RESULTS"])
    while not expected <= {key for key, _ in rows} and time.monotonic() < deadline:
        time.sleep(1)
        rows = processed(embedded_env["IST_SOAK_RESULTS"])
    elapsed = time.monotonic() - started

    worker_log, beat_log = (tmp_path / "worker.log").read_text(), (tmp_path / "beat.log").read_text()
    assert worker.poll() is None, f"the worker exited with {worker.returncode}:\n{worker_log[-5000:]}"
    assert beat.poll() is None, f"beat exited with {beat.returncode}:\n{beat_log[-5000:]}"

    produced = [key for key, _ in rows if key != "beat"]
    missing = expected - set(produced)
    assert not missing, f"{len(missing)} of {len(expected)} messages were never processed, e.g. {sorted(missing)[:5]}"
    assert len(produced) == len(expected), f"{len(produced) - len(expected)} messages were processed twice"
    task_ids = [task_id for _, task_id in rows]
    assert len(task_ids) == len(set(task_ids)), "a message (beat's included) was delivered twice"
    # Beat sends a tick every second; allow for start-up and the drain.
    ticks = len(rows) - len(produced)
    assert ticks >= SECONDS * 0.8, f"only {ticks} of beat's ticks arrived in {elapsed:.0f} s"
    assert "Traceback" not in worker_log, worker_log[-5000:]
    assert "Traceback" not in beat_log, beat_log[-5000:]

    # Both stop cleanly when asked, as honcho asks them.
    for process in (worker, beat):
        process.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0
    assert beat.wait(timeout=60) == 0
    print(f"soak: {len(expected)} messages and {ticks} beat ticks in {elapsed:.0f} s, exactly once")
