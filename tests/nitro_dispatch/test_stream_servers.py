"""Streams under real servers: an idle stream holds no database connection (and, under ASGI,
no thread), and what a stream opened is given back when its client goes away."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from tests.servers import ServedTestCase

DS = "Datastar-Request: true\r\n"


async def open_stream(port: int, path: str) -> asyncio.StreamWriter:
    """Open a Datastar stream and wait for its first event; return its connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{DS}\r\n".encode())
    await writer.drain()
    received = b""
    while b"datastar-patch-signals" not in received:
        chunk = await asyncio.wait_for(reader.read(4096), 60)
        if not chunk:
            raise ConnectionError(f"{path} closed before its first event: {received!r}")
        received += chunk
    assert received.startswith(b"HTTP/1.1 200"), received
    return writer


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


class UvicornStreamTests(StreamServerTestCase):
    kind = "uvicorn"

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
