"""The broker of the embedded default: kombu's SQLAlchemy transport on a SQLite file under var/.

kombu's filesystem transport, the earlier default, killed a worker here: it read a message file
that another process had not finished writing (JSONDecodeError) and worker and beat exited. A
SQLite row is written in a transaction, so a reader sees a whole message or none
(docs/decisions/0014-embedded-broker.md).

kombu's SQLAlchemy transport is used as it is for routing, QoS and restoring unacknowledged
messages; this subclass changes only what does not hold up with several processes on one file:

- kombu hands every transport option to ``create_engine``, so ``polling_interval`` (which the
  virtual transport reads from the same options) would fail there. The engine is built here
  from the URL alone, with a busy timeout, WAL (readers never block the writer) and
  ``synchronous=NORMAL``.
- kombu creates the tables and a queue's row with check-then-insert, which fails
  (``table already exists`` / ``UNIQUE constraint failed``) when web, worker and beat start at
  the same moment on a fresh file. Here both tolerate the other process having won.
- kombu marks a delivered message invisible and keeps it for ever, so the file grows by every
  message ever sent. Here a delivered message is deleted by the one statement that takes it
  (the same guarantee: once taken, no other consumer gets it), and an empty queue is seen with
  a plain read, so an idle worker's polling never takes the write lock.
"""

from __future__ import annotations

import json
import logging
from queue import Empty
from typing import Any

from kombu.transport import sqlalchemy as kombu_sqla
from kombu.transport.sqlalchemy.models import metadata as kombu_metadata
from kombu.utils.encoding import bytes_to_str
from sqlalchemy import create_engine, delete, event, select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

# Seconds a writer waits for another's transaction before "database is locked". Transactions on
# this file last milliseconds; the margin covers a slow disk or a paused process.
BUSY_TIMEOUT_S = 30


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL is a property of the file (set once, kept); NORMAL is safe with WAL against a crash of
    # the process, and loses at most the last messages on a power cut (the sweeps repair that).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class Channel(kombu_sqla.Channel):
    def __init__(self, connection: Any, **kwargs: Any) -> None:
        super().__init__(connection, **kwargs)
        self._queue_ids: dict[str, int] = {}

    def _engine_from_config(self) -> Engine:
        client = self.connection.client
        if client is None or not client.hostname:  # kombu gives the transport its broker URL
            raise ValueError("The embedded broker needs a SQLite URL.")
        engine = create_engine(client.hostname, connect_args={"timeout": BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _on_connect)
        # kombu's _open calls create_all next; do it first, tolerating a process that
        # created the tables between our check and our CREATE.
        for attempt in range(3):
            try:
                kombu_metadata.create_all(engine)
                break
            except OperationalError:
                if attempt == 2:
                    raise
        return engine

    def ping(self) -> None:
        """A read of the broker file, for /healthz (ist/health/checks.py)."""
        table = self.queue_cls.__table__
        try:
            self.session.execute(select(table.c.id).limit(1)).all()
        finally:
            self.session.rollback()

    def _get_or_create(self, queue: str) -> Any:
        # Only the id is used by the methods kombu keeps (_put, _size, _purge).
        return _QueueRef(self._queue_id(queue))

    def _queue_id(self, queue: str) -> int:
        if queue not in self._queue_ids:
            table = self.queue_cls.__table__
            session = self.session
            try:
                session.execute(sqlite_insert(table).values(name=queue).on_conflict_do_nothing())
                queue_id: int = session.execute(select(table.c.id).where(table.c.name == queue)).scalar_one()
                session.commit()
            except Exception:
                session.rollback()
                raise
            self._queue_ids[queue] = queue_id
        return self._queue_ids[queue]

    def _put(self, queue: str, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]  # as kombu_sqla's
        table = self.message_cls.__table__
        session = self.session
        try:
            session.execute(
                # json.dumps is what kombu_sqla uses (its stubs do not list it)
                table.insert().values(queue_id=self._queue_id(queue), payload=json.dumps(payload), visible=True)
            )
            session.commit()
        except Exception:
            # Raised, so the publisher knows the message was not stored.
            session.rollback()
            raise

    def _get(self, queue: str, timeout: float | None = None) -> Any:
        table = self.message_cls.__table__
        queue_id = self._queue_id(queue)
        waiting = select(table.c.id).where(table.c.queue_id == queue_id, table.c.visible.is_(True))
        session = self.session
        try:
            if session.execute(waiting.limit(1)).first() is None:
                raise Empty()
            # One statement takes and removes the oldest message: two workers never get the same.
            take = (
                delete(table)
                .where(table.c.id == waiting.order_by(table.c.id).limit(1).scalar_subquery())
                .returning(table.c.payload)
            )
            payload = session.execute(take).scalar_one_or_none()
            session.commit()
        except Exception:
            session.rollback()
            raise
        if payload is None:  # another worker took it between the look and the take
            raise Empty()
        return kombu_sqla.loads(bytes_to_str(payload))


class _QueueRef:
    def __init__(self, queue_id: int) -> None:
        self.id = queue_id


class Transport(kombu_sqla.Transport):
    Channel = Channel
