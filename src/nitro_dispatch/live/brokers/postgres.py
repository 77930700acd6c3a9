"""The PostgreSQL broker: messages in a table, ``NOTIFY`` carrying only their ids.

A publisher inserts the message into ``nitro_live_message`` and notifies the channel
``nitro_live`` with its id, in one short transaction of its own (after the publisher's own
transaction has committed), holding an advisory lock so that ids become visible in the order
they were given. NOTIFY's payload is limited to 8,000 bytes and takes a database-wide lock at
commit, so the payload stays a few bytes and the transaction a few statements. Each process
listens on one connection and reads the new rows on another; the table keeps the last
``LIVE_LOG`` messages. The table's oid is the epoch: recreating it resyncs every page.

The table is created when first needed (``CREATE TABLE IF NOT EXISTS``).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction

from nitro_dispatch.live._topics import Message

from . import Broker, Deliver, encode

try:
    import psycopg
except ImportError as exc:  # pragma: no cover - the test environments have it
    raise ImproperlyConfigured(
        "NITRO_DISPATCH['BROKER'] is 'postgres', which listens with psycopg 3 (psycopg2 has no "
        "asyncio support): pip install 'psycopg>=3.2'."
    ) from exc

__all__ = ["PostgresBroker"]

logger = logging.getLogger("nitro_dispatch.live")

TABLE: Final = "nitro_live_message"
CHANNEL: Final = "nitro_live"
# Two keys of pg_advisory_lock's (int, int) space: publishing, and creating the table.
_LOCK: Final = 0x6E69_7472  # "nitr"
_PUBLISHING: Final = 1
_CREATING: Final = 2
# json, not jsonb: it keeps any string JSON can hold (jsonb refuses "\u0000").
# Keys of Django's connection parameters that are not libpq's.
_NOT_LIBPQ: Final = {"cursor_factory", "context", "prepare_threshold", "server_side_binding"}

_CREATE: Final = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigserial PRIMARY KEY,
    topic varchar(200) NOT NULL,
    data json NOT NULL
);
CREATE INDEX IF NOT EXISTS {TABLE}_topic ON {TABLE} (topic, id);
"""


class PostgresBroker(Broker):
    """Messages through the PostgreSQL database of Django's *alias*, *log_size* kept."""

    def __init__(self, alias: str, log_size: int) -> None:
        self.alias = alias
        self._log_size = log_size
        connection = connections[alias]
        if tuple(int(part) for part in psycopg.__version__.split(".")[:2]) < (3, 2):
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['BROKER'] is 'postgres', which needs psycopg 3.2 or newer, not "
                f"{psycopg.__version__}: pip install 'psycopg>=3.2'."
            )
        if connection.vendor != "postgresql":
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['BROKER'] is 'postgres', but the database {alias!r} is "
                f"{connection.vendor}: use a PostgreSQL alias ('postgres:<alias>'), a Redis URL, "
                "or 'memory'."
            )
        params = connection.get_connection_params()
        self._params = {key: value for key, value in params.items() if key not in _NOT_LIBPQ}
        self._created = threading.Event()
        self._reader: psycopg.AsyncConnection[Any] | None = None
        self._reading = asyncio.Lock()

    def publish(self, topic: str, data: Mapping[str, Any]) -> Message:
        payload, sent = encode(data)
        connection = connections[self.alias]
        if not self._created.is_set():
            with connection.cursor() as cursor:
                self._create(cursor)
        with transaction.atomic(using=self.alias), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK, _PUBLISHING])
            cursor.execute(
                f"INSERT INTO {TABLE} (topic, data) VALUES (%s, %s) RETURNING id", [topic, payload]
            )
            (position,) = cursor.fetchone()
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, str(position)])
            if position % 64 == 0:  # now and then, not on every message
                cursor.execute(f"DELETE FROM {TABLE} WHERE id <= %s", [position - self._log_size])
        return Message(topic, position, sent)

    def _create(self, cursor: Any) -> None:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK, _CREATING])
        try:
            cursor.execute(_CREATE)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK, _CREATING])
        self._created.set()

    async def _connect(self) -> psycopg.AsyncConnection[Any]:
        connection = await psycopg.AsyncConnection.connect(**self._params, autocommit=True)
        if not self._created.is_set():
            async with connection.cursor() as cursor:
                await cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_LOCK, _CREATING])
                try:
                    await cursor.execute(_CREATE)
                finally:
                    await cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_LOCK, _CREATING])
            self._created.set()
        return connection

    async def _query(self, sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
        async with self._reading:
            if self._reader is None or self._reader.closed:
                self._reader = await self._connect()
            try:
                cursor = await self._reader.execute(sql, params)
                return await cursor.fetchall()
            except psycopg.OperationalError:
                await self._reader.close()
                self._reader = None
                raise

    async def listen(self, deliver: Deliver, connected: Callable[[], Awaitable[None]]) -> None:
        delay = 0.1
        while True:
            try:
                async with await self._connect() as listener:
                    await listener.execute(f"LISTEN {CHANNEL}")
                    (last,) = await (await listener.execute(
                        f"SELECT coalesce(max(id), 0) FROM {TABLE}"
                    )).fetchone()  # type: ignore[misc]  # fmt: skip
                    await connected()
                    delay = 0.1
                    while True:
                        # Woken by a notification (or every 30 s), read every new row at once.
                        async for _ in listener.notifies(timeout=30, stop_after=1):
                            pass
                        cursor = await listener.execute(
                            f"SELECT id, topic, data FROM {TABLE} WHERE id > %s ORDER BY id",
                            [last],
                        )
                        for position, topic, data in await cursor.fetchall():
                            deliver(Message(topic, position, data))
                            last = position
            except (psycopg.Error, OSError) as exc:
                logger.warning("Live updates: PostgreSQL (%s): %s; reconnecting", self.alias, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def heads(self, topics: Iterable[str]) -> tuple[str, dict[str, int]]:
        names = list(topics)
        rows = await self._query(
            f"SELECT topic, max(id) FROM {TABLE} WHERE topic = ANY(%s::text[]) GROUP BY topic",
            [names],
        )
        ((epoch,),) = await self._query("SELECT %s::regclass::oid::text", [TABLE])
        found = dict(rows)
        return str(epoch), {topic: int(found.get(topic) or 0) for topic in names}

    async def since(self, topic: str, position: int) -> list[Message] | None:
        # One statement, so the bounds and the rows are of one moment (a trim in between
        # would leave a gap unseen).
        rows = await self._query(
            f"""
            WITH bounds AS (SELECT coalesce(min(id), 0) AS first, coalesce(max(id), 0) AS last
                            FROM {TABLE})
            SELECT first, last, message.id, message.data
            FROM bounds LEFT JOIN {TABLE} AS message ON message.topic = %s AND message.id > %s
            ORDER BY message.id
            """,
            [topic, position],
        )
        first, last = rows[0][0], rows[0][1]
        if position > last or first > position + 1:
            return None  # a position it never had, or trimmed past it
        return [Message(topic, found, data) for _, _, found, data in rows if found is not None]

    async def aclose(self) -> None:
        if self._reader is not None:
            await self._reader.close()
            self._reader = None
