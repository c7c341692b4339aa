"""The embedded broker's transport (ist/embedded_broker.py) on a SQLite file of the test's own.

Quick checks of what the subclass changes in kombu's SQLAlchemy transport; the soak beside them
proves it under real worker and beat processes. Not marked `soak`: these run with the suite.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import cast

from kombu import Connection

from ist.embedded_broker import Channel

TRANSPORT = "ist.embedded_broker:Transport"
ROOT = Path(__file__).resolve().parents[2]


def connect(path: Path) -> Connection:
    # polling_interval sits in the transport options as in settings: kombu's own transport
    # would hand it to create_engine and fail.
    return Connection(f"sqlite:///{path}", transport=TRANSPORT, transport_options={"polling_interval": 0.1})


def test_messages_come_out_once_in_order_and_leave_no_row(tmp_path: Path) -> None:
    path = tmp_path / "broker.sqlite3"
    with connect(path) as connection:
        queue = connection.SimpleQueue("ist-broker-test")
        for n in range(5):
            queue.put({"n": n})
        assert queue.qsize() == 5
        taken = []
        for _ in range(5):
            message = queue.get(timeout=5)
            taken.append(message.payload["n"])
            message.ack()
        assert taken == [0, 1, 2, 3, 4]
        assert queue.qsize() == 0
        queue.close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (0,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_health_ping_reads_the_file(tmp_path: Path) -> None:
    with connect(tmp_path / "broker.sqlite3") as connection:
        cast(Channel, connection.default_channel).ping()
    assert (tmp_path / "broker.sqlite3").exists()


SEND_ONE = """
import sys
from kombu import Connection
with Connection("sqlite:///" + sys.argv[1], transport="ist.embedded_broker:Transport") as c:
    c.SimpleQueue("ist-broker-test").put({"from": sys.argv[2]})
"""


def test_processes_starting_at_once_on_a_fresh_file_all_succeed(tmp_path: Path) -> None:
    """Web, worker and beat start together on a fresh file: creating the tables and the queue's
    row must not fail in the ones that lose the race (kombu's check-then-insert did)."""
    path = tmp_path / "broker.sqlite3"
    processes = [
        subprocess.Popen(  # noqa: S603 - our own snippet
            [sys.executable, "-c", SEND_ONE, str(path), str(n)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for n in range(10)
    ]
    errors = [process.communicate(timeout=60)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 10, errors
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM kombu_queue WHERE name = 'ist-broker-test'").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM kombu_message").fetchone() == (10,)
    db.close()
