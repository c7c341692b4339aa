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
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.soak.processes import (
    APP,
    CELERY,
    ROOT,
    environment,
    processed,
    produce,
    start,
    stop,
    tail,
    wait_for,
    wait_while_progressing,
    worker,
)

pytestmark = pytest.mark.soak

SECONDS = int(os.environ.get("IST_SOAK_SECONDS", "20"))
RATE = 15  # messages per second of the steady producer
BURST = 1000  # messages the second producer sends as fast as it can
# After the producers end, the worker finishes what is queued; it fails when it processes nothing
# for this many seconds (a fixed deadline failed on a machine with a load average of 18, where the
# worker was slow but sound).
DRAIN_STALL = 120
STARTUP_TIMEOUT = 120  # seconds worker and beat get to start on a busy machine


@pytest.fixture
def embedded_env(tmp_path: Path) -> dict[str, str]:
    env = environment(tmp_path)
    # The real beat schedule runs too (heartbeat, sweeps), so the app database must exist.
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    return env


@pytest.fixture
def worker_and_beat(embedded_env: dict[str, str], tmp_path: Path) -> Iterator[tuple[subprocess.Popen, ...]]:
    processes = (
        worker(embedded_env, tmp_path / "worker.log"),
        start(
            embedded_env,
            tmp_path / "beat.log",
            *(str(CELERY), *APP, "beat", "--loglevel=INFO", "--schedule", str(tmp_path / "beat-schedule")),
        ),
    )
    yield processes
    stop(*processes)


def test_worker_and_beat_process_every_message_exactly_once_and_stay_alive(
    embedded_env: dict[str, str], worker_and_beat: tuple[subprocess.Popen, ...], tmp_path: Path
) -> None:
    worker, beat = worker_and_beat
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    results = embedded_env["IST_SOAK_RESULTS"]
    # Start-up takes seconds on a busy machine: the stream begins once both are at work.
    assert wait_for(lambda: "ready." in worker_log.read_text(errors="replace"), STARTUP_TIMEOUT), tail(worker_log)
    assert wait_for(lambda: beat_sent(beat_log) > 0, STARTUP_TIMEOUT), tail(beat_log)

    steady_count = SECONDS * RATE
    started = time.monotonic()
    steady = produce(embedded_env, tmp_path / "steady.log", "steady", steady_count, RATE)
    time.sleep(SECONDS / 2)
    burst = produce(embedded_env, tmp_path / "burst.log", "burst", BURST, 0)
    assert burst.wait(timeout=SECONDS + 300) == 0, tail(tmp_path / "burst.log")
    assert steady.wait(timeout=SECONDS + 300) == 0, tail(tmp_path / "steady.log")

    expected = {f"steady-{n}" for n in range(steady_count)} | {f"burst-{n}" for n in range(BURST)}
    left = wait_while_progressing(lambda: len(expected - {key for key, _ in processed(results)}), DRAIN_STALL)
    assert left == 0, f"{left} messages not processed, none for {DRAIN_STALL} s:\n{tail(worker_log)}"
    elapsed = time.monotonic() - started
    assert worker.poll() is None, f"the worker exited with {worker.returncode}:\n{tail(worker_log)}"
    assert beat.poll() is None, f"beat exited with {beat.returncode}:\n{tail(beat_log)}"

    # Beat stops first, as asked (SIGTERM, as honcho asks); then every tick it logged as sent
    # must arrive, once.
    beat.send_signal(signal.SIGTERM)
    assert beat.wait(timeout=60) == 0, tail(beat_log)
    sent = beat_sent(beat_log)
    assert sent >= SECONDS * 0.8, f"beat sent only {sent} ticks during a {SECONDS} s stream"
    beat_left = wait_while_progressing(
        lambda: max(0, sent - sum(key == "beat" for key, _ in processed(results))), DRAIN_STALL
    )
    assert beat_left == 0, f"{beat_left} of beat's {sent} ticks not processed:\n{tail(worker_log)}"

    rows = processed(results)
    keys = [key for key, _ in rows]
    produced = [key for key in keys if key != "beat"]
    assert set(produced) == expected
    assert len(produced) == len(expected), f"{len(produced) - len(expected)} messages were processed twice"
    assert keys.count("beat") == sent, f"beat sent {sent} ticks, the worker ran {keys.count('beat')}"
    task_ids = [task_id for _, task_id in rows]
    assert len(task_ids) == len(set(task_ids)), "a message was delivered twice"
    assert "Traceback" not in worker_log.read_text(errors="replace"), tail(worker_log)
    assert "Traceback" not in beat_log.read_text(errors="replace"), tail(beat_log)

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=60) == 0, tail(worker_log)
    print(f"soak: {len(expected)} messages in {elapsed:.0f} s and {sent} beat ticks, each processed exactly once")


def beat_sent(log: Path) -> int:
    return log.read_text(errors="replace").count("Sending due task soak-tick")
