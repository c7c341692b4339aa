"""A Redis outage does not end the worker: it waits, reconnects, and takes work again.

A Redis server of the test's own (the suite's Redis is shared), a real worker as Procfile.dev
starts it, and the server stopped for longer than the worker's first reconnection attempts.
Marked `soak`: it mostly waits, so it runs beside the suite with the embedded broker's soak.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.soak.processes import environment, free_port, processed, produce, stop, tail, wait_for, worker

pytestmark = pytest.mark.soak

OUTAGE_SECONDS = 15


class RedisServer:
    def __init__(self, tmp_path: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            message = "redis-server is missing: run scripts/system-deps.sh"
            if os.environ.get("CI"):
                pytest.fail(message)  # in CI nothing is skipped
            pytest.skip(message)
        self.command = [binary, "--port", str(free_port()), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"]
        self.url = f"redis://127.0.0.1:{self.command[2]}/0"
        self.log = tmp_path / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)  # noqa: S603
        ready = wait_for(lambda: "Ready to accept connections" in self.log.read_text(errors="replace"), 30)
        assert ready, tail(self.log)

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_the_worker_outlives_a_broker_outage_and_takes_work_again(redis_server: RedisServer, tmp_path: Path) -> None:
    env = environment(tmp_path, CELERY_BROKER_URL=redis_server.url)
    results = env["IST_SOAK_RESULTS"]
    log = tmp_path / "worker.log"
    process = worker(env, log)
    try:
        assert wait_for(lambda: "ready." in log.read_text(errors="replace"), 120), tail(log)
        assert produce(env, tmp_path / "before.log", "before", 1, 0).wait(timeout=60) == 0
        assert wait_for(lambda: "before-0" in {key for key, _ in processed(results)}, 60), tail(log)

        redis_server.stop()
        time.sleep(OUTAGE_SECONDS)
        assert process.poll() is None, tail(log)
        # It noticed, and keeps trying with no limit (Celery's default gives up after 100 attempts).
        assert "Trying again in 2.00 seconds... (1/None)" in log.read_text(errors="replace"), tail(log)

        redis_server.start()
        assert produce(env, tmp_path / "after.log", "after", 1, 0).wait(timeout=60) == 0
        assert wait_for(lambda: "after-0" in {key for key, _ in processed(results)}, timeout=90), log.read_text()[
            -5000:
        ]
        assert process.poll() is None
        assert [key for key, _ in processed(results)] == ["before-0", "after-0"]
    finally:
        stop(process)
