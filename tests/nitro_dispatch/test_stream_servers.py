"""Streams under real servers: an idle stream holds no database connection (and, under ASGI,
no thread), and what a stream opened is given back when its client goes away."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

import pytest

from tests.servers import ServedTestCase

pytestmark = pytest.mark.slow  # real servers

DS = "Datastar-Request: true\r\n"


EVENT = b"event: datastar-patch-signals"


async def read_stream(
    port: int, path: str, until: Callable[[bytes], bool], seconds: float = 60
) -> tuple[asyncio.StreamWriter, bytes]:
    """Open a Datastar stream and read it until what came satisfies *until*, for *seconds* at
    most; return its connection and what came."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{DS}\r\n".encode())
    await writer.drain()
    received = b""
    async with asyncio.timeout(seconds):
        while not until(received):
            chunk = await reader.read(4096)
            if not chunk:
                raise ConnectionError(f"{path} closed early: {received!r}")
            received += chunk
    assert received.startswith(b"HTTP/1.1 200"), received
    return writer, received


async def open_stream(port: int, path: str) -> asyncio.StreamWriter:
    """Open a Datastar stream and wait for its first event; return its connection."""
    writer, _ = await read_stream(port, path, lambda received: EVENT in received)
    return writer


def an_event_came(received: bytes) -> bool:
    return b"\n\n" in received.partition(EVENT)[2]


def pinged_after_an_event(received: bytes) -> bool:
    return b": ping\n\n" in received.partition(EVENT)[2]


async def open_streams(
    port: int, path: str, count: int, at_once: int
) -> list[asyncio.StreamWriter]:
    streams: list[asyncio.StreamWriter] = []
    while len(streams) < count:
        batch = min(at_once, count - len(streams))
        streams += await asyncio.gather(*(open_stream(port, path) for _ in range(batch)))
    return streams


def abort(streams: list[asyncio.StreamWriter]) -> None:
    """Drop the connections, as a closed tab or a lost network does."""
    for stream in streams:
        stream.transport.abort()


def settled(measure: Callable[[], int], target: int, seconds: float = 15) -> int:
    """*measure* once it is at most *target*, or its last value after *seconds*."""
    deadline = time.monotonic() + seconds
    while (value := measure()) > target and time.monotonic() < deadline:
        time.sleep(0.1)
    return value


class StreamServerTestCase(ServedTestCase):
    workers = 1
    # gthread serves a connection per thread: each worker may get every stream of a test.
    threads = 16
    heartbeat = 1

    def connections(self) -> int:
        return self.database.connections() if self.database.vendor == "postgresql" else 0

    # A generator of the other kind than the server's (sync under ASGI, async under WSGI)
    # streams as one of its own kind does.

    def assert_streams_event_by_event(self, path: str) -> None:
        # *path* sends one event, then its generator waits for an hour: the event comes first.
        async def scenario() -> bytes:
            writer, received = await read_stream(self.server.port, path, an_event_came, 10)
            abort([writer])
            return received

        assert asyncio.run(scenario()).count(EVENT) == 1

    def assert_sends_heartbeats(self, path: str) -> None:
        async def scenario() -> None:
            writer, _ = await read_stream(self.server.port, path, pinged_after_an_event, 10)
            abort([writer])

        asyncio.run(scenario())

    def assert_closed_when_the_client_leaves(self, action: str) -> None:
        tag = uuid.uuid4().hex
        threads = self.server.threads()

        async def scenario() -> None:
            path = f"/api/todo/{action}?tag={tag}"
            writer, _ = await read_stream(self.server.port, path, lambda r: EVENT in r, 10)
            abort([writer])

        def closings() -> list[str]:
            rows = self.database.query("SELECT text FROM note WHERE text LIKE ?", f"{tag} %")
            return [text for (text,) in rows]

        asyncio.run(scenario())
        # Generous waits, which a passing run never reaches: a loaded machine (coverage on the
        # server too) may take seconds to notice that the client left.
        deadline = time.monotonic() + 30
        while not closings() and time.monotonic() < deadline:
            time.sleep(0.1)
        # The thread it ran in ends with it.
        assert (closings(), settled(self.server.threads, threads, 15) <= threads) == (
            [f"{tag} GeneratorExit"],
            True,
        )

    def assert_idle_streams_hold_no_connection(self, path: str) -> None:
        if self.database.vendor != "postgresql":
            pytest.skip("counts PostgreSQL's connections (pg_stat_activity)")

        async def scenario() -> tuple[int, int]:
            streams = await open_streams(self.server.port, path, 4, 4)
            during = settled(self.connections, 0, 5)
            abort(streams)
            return during, settled(self.connections, 0, 5)

        assert asyncio.run(scenario()) == (0, 0)


class UvicornStreamTests(StreamServerTestCase):
    kind = "uvicorn"

    def test_sync_generator_streams_event_by_event(self):
        self.assert_streams_event_by_event("/api/todo/ticker?every=3600")

    def test_sync_generator_sends_heartbeats_while_it_blocks(self):
        self.assert_sends_heartbeats("/api/todo/ticker?every=3600")

    def test_sync_generator_is_closed_when_the_client_leaves(self):
        self.assert_closed_when_the_client_leaves("closing")

    def test_idle_sync_streams_hold_no_connection(self):
        self.assert_idle_streams_hold_no_connection("/api/todo/ticker?every=3600")

    def test_a_thousand_idle_streams_leave_requests_working(self):
        counter = self.new_counter()
        headers = self.server.csrf_headers()
        threads_before = self.server.threads()

        async def scenario() -> tuple[int, int, list[int], int, int]:
            streams = await open_streams(self.server.port, "/api/todo/idle", 1000, at_once=50)
            # No thread, no connection per open stream: measured with all of them open.
            threads = self.server.threads() - threads_before
            connections = self.connections()
            statuses = [
                (await asyncio.to_thread(self.server.request, *request, headers=headers))[0]
                for request in [("POST", f"/api/counters/{counter}/bump")] * 10
                + [("GET", "/api/todo/open_count")] * 10
            ]
            abort(streams)
            threads_after = await asyncio.to_thread(
                settled, lambda: self.server.threads() - threads_before, 5
            )
            return threads, connections, statuses, threads_after, self.connections()

        threads, connections, statuses, threads_after, connections_after = asyncio.run(scenario())
        assert (threads <= 10, connections, set(statuses), threads_after <= 10) == (
            True,
            0,
            {200},
            True,
        ), (threads, threads_after)
        assert connections_after == 0


class GthreadStreamTests(StreamServerTestCase):
    kind = "gunicorn-gthread"

    def test_async_generator_streams_event_by_event(self):
        self.assert_streams_event_by_event("/api/todo/idle")

    def test_async_generator_sends_heartbeats_while_it_waits(self):
        self.assert_sends_heartbeats("/api/todo/idle")

    def test_async_generator_is_closed_when_the_client_leaves(self):
        self.assert_closed_when_the_client_leaves("async_closing")

    def test_idle_async_streams_hold_no_connection(self):
        self.assert_idle_streams_hold_no_connection("/api/todo/idle")

    def test_idle_streams_hold_no_connection(self):
        if self.database.vendor != "postgresql":
            pytest.skip("counts PostgreSQL's connections (pg_stat_activity)")

        async def scenario() -> tuple[int, int, int]:
            before = self.connections()
            # A page that read the database once and now waits: 12 streams, one per thread.
            streams = await open_streams(self.server.port, "/api/todo/ticker?every=3600", 12, 12)
            during = settled(self.connections, before, 5)
            abort(streams)
            return before, during, settled(self.connections, before, 5)

        assert asyncio.run(scenario()) == (0, 0, 0)

    def test_head_of_an_endless_stream_leaves_nothing_running(self):
        def head() -> tuple[int, str]:
            return self.server.request(
                "HEAD", "/api/todo/ticker?every=3600", headers={"Datastar-Request": "true"}
            )

        head()  # gunicorn may add a thread to its own pool for it, and keep it
        time.sleep(0.5)
        before = self.server.threads()
        assert (head(), settled(self.server.threads, before, 5)) == ((200, ""), before)

    def test_aborted_streams_release_their_threads_and_connections(self):
        path = "/api/todo/ticker?every=0.2"  # pages that poll the database five times a second

        async def cycle() -> tuple[int, int]:
            streams = await open_streams(self.server.port, path, 12, 12)
            during = self.server.threads()
            abort(streams)
            return during, await asyncio.to_thread(settled, self.server.threads, 0, 2)

        async def scenario() -> tuple[int, int, int, int]:
            # The first cycle grows gunicorn's own pool of threads, which it keeps.
            _, after_first = await cycle()
            during, _ = await cycle()
            after = await asyncio.to_thread(settled, self.server.threads, after_first, 10)
            connections = await asyncio.to_thread(settled, self.connections, 0, 10)
            return after_first, during, after, connections

        after_first, during, after, connections = asyncio.run(scenario())
        # While open, each stream has a thread of its own for its generator.
        assert (during - after_first, after - after_first, connections) == (12, 0, 0)
