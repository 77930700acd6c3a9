"""Live updates across real server processes: two uvicorn servers on one database, sharing a
broker (Redis, PostgreSQL), their streams following changes made through either of them, the
admin included; pages that reconnect to the other one; one of them restarted under load."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any, ClassVar
from unittest import SkipTest

import pytest
import redis
from django.conf import settings
from django.test import SimpleTestCase

from tests.nitro_dispatch.live_servers import (
    PATCH_SIGNALS,
    Browser,
    Event,
    EventStream,
    Follower,
    Writers,
    add_superuser,
    bump,
    new_scores,
    render_of,
    score_render,
    stored_scores,
)
from tests.servers import Server, ServerDatabase

pytestmark = pytest.mark.slow  # real servers

REDIS = "redis://127.0.0.1:6379/0"  # the servers' keys start with "nitro:live:" (fixed)
WATCH = "/api/score/watch"
# The servers cache their modules' bytecode, as deployed ones do (here outside the source tree),
# whatever PYTHONDONTWRITEBYTECODE the tests run with: a server (re)starts in a second or two
# instead of compiling every module again.
BYTECODE = {
    "PYTHONDONTWRITEBYTECODE": "",
    "PYTHONPYCACHEPREFIX": str(Path(tempfile.gettempdir()) / "nitro-servers-pycache"),
}
# A server stopping waits for its open requests that long, then ends them (streams never end):
# as a deployment that serves streams sets it.
SERVER = {**BYTECODE, "UVICORN_TIMEOUT_GRACEFUL_SHUTDOWN": "3"}


def on_postgresql() -> bool:
    return "postgresql" in str(settings.DATABASES["default"]["ENGINE"])


def start(database: ServerDatabase, broker: str, count: int) -> list[Server]:
    """*count* uvicorn servers of one worker each on *database*, started side by side."""
    servers = [Server("uvicorn", database, workers=1, heartbeat=1, broker=broker, env=SERVER)
               for _ in range(count)]  # fmt: skip
    try:
        for server in servers:
            server.__enter__()
    except BaseException:
        for server in servers:
            server.__exit__(None, None, None)
        raise
    return servers


def settled(measure: Any, target: int, seconds: float = 15) -> int:
    """*measure()* once it equals *target*, or its last value after *seconds*."""
    deadline = time.monotonic() + seconds
    while (value := measure()) != target and time.monotonic() < deadline:
        time.sleep(0.1)
    return int(value)


async def next_render(stream: EventStream, shown: list[Event], seconds: float = 10) -> list[Event]:
    """The next render of Score.watch (its two events) that differs from *shown*: a render of
    the same state can come between (another test run's "scores" on the shared Redis)."""
    async with asyncio.timeout(seconds):
        while render_of(found := await stream.take(2, seconds)) == render_of(shown):
            pass
    return found


class TwoServersTestCase(SimpleTestCase):
    """Two uvicorn servers, A and B (separate processes of one worker each), on one database
    made for the class, sharing *broker*."""

    broker: ClassVar[str]
    needs_postgresql: ClassVar[bool] = False
    database: ClassVar[ServerDatabase]
    a: ClassVar[Server]
    b: ClassVar[Server]

    @classmethod
    def setUpClass(cls) -> None:
        if cls.needs_postgresql and not on_postgresql():
            raise SkipTest("the PostgreSQL broker needs the servers' database on PostgreSQL")
        super().setUpClass()
        cls.database = ServerDatabase()
        cls.addClassCleanup(cls.database.drop)
        cls.database.migrate(**BYTECODE)
        cls.a, cls.b = start(cls.database, cls.broker, 2)
        cls.addClassCleanup(cls.a.__exit__, None, None, None)
        cls.addClassCleanup(cls.b.__exit__, None, None, None)

    def headers(self) -> dict[str, str]:
        return self.a.csrf_headers()  # one SECRET_KEY: good on both servers

    def logs(self) -> str:
        return f"A:\n{self.a.log_text()}\nB:\n{self.b.log_text()}"

    def expected(self) -> list[tuple[str, tuple[str, ...]]]:
        """Score.watch's render of what the database holds now."""
        return score_render({int(key): value for key, value in stored_scores(self.a).items()})

    def head(self) -> int:
        """The position of the broker's last message to "scores"."""
        raise NotImplementedError


class SharedBrokerContract:
    """Mixed into a TwoServersTestCase whose servers share a broker (Redis, PostgreSQL)."""

    def test_a_change_through_one_server_reaches_a_stream_on_the_other(  # type: ignore[misc]
        self: TwoServersTestCase,
    ) -> None:
        (score,) = new_scores(self.a, 1)
        headers = self.headers()
        snapshot_expected = self.expected()

        async def scenario() -> tuple[Any, int, Any]:
            stream = await EventStream.open(self.a.port, WATCH)
            try:
                snapshot = await stream.take(2)
                status = await asyncio.to_thread(bump, self.b, score, headers)
                change = await next_render(stream, snapshot)
            finally:
                stream.abort()
            return render_of(snapshot), status, render_of(change)

        assert asyncio.run(scenario()) == (snapshot_expected, 200, self.expected()), self.logs()

    def test_a_change_in_the_admin_of_one_server_reaches_streams_on_both(  # type: ignore[misc]
        self: TwoServersTestCase,
    ) -> None:
        (score,) = new_scores(self.a, 1)
        username = f"admin-{uuid.uuid4().hex[:8]}"
        add_superuser(self.b, username, "a-long-password")
        browser = Browser(self.b)
        logged_in = browser.log_in(username, "a-long-password")
        change = f"/admin/nitro_dispatch/score/{score}/change/"

        async def scenario() -> tuple[int, Any, Any]:
            streams = [await EventStream.open(server.port, WATCH) for server in (self.a, self.b)]
            try:
                snapshots = [await stream.take(2) for stream in streams]
                status, _, _ = await asyncio.to_thread(
                    browser.request, "POST", change, {"value": "41", "_save": "Save"}
                )
                on_a, on_b = [
                    render_of(await next_render(stream, snapshot))
                    for stream, snapshot in zip(streams, snapshots, strict=True)
                ]
            finally:
                for stream in streams:
                    stream.abort()
            return status, on_a, on_b

        saved, on_a, on_b = asyncio.run(scenario())
        expected = self.expected()
        assert (logged_in, saved, stored_scores(self.a)[str(score)], on_a, on_b) == (
            302,
            302,
            41,
            expected,
            expected,
        ), self.logs()

    def test_a_page_reconnecting_to_the_other_server_gets_the_current_state_first(  # type: ignore[misc]
        self: TwoServersTestCase,
    ) -> None:
        first, second = new_scores(self.a, 2)
        headers = self.headers()

        async def scenario() -> tuple[str, list[int], int, list[Event]]:
            stream = await EventStream.open(self.a.port, WATCH)
            try:
                (_, snapshot) = await stream.take(2)
            finally:
                stream.abort()
            assert snapshot.id is not None
            statuses = [
                await asyncio.to_thread(bump, self.b, score, headers)
                for score in (first, first, first, second)
            ]
            head = await asyncio.to_thread(self.head)
            stream = await EventStream.open(self.b.port, WATCH, last_event_id=snapshot.id)
            try:
                return snapshot.id, statuses, head, await stream.take(2)
            finally:
                stream.abort()

        seen, statuses, head, caught_up = asyncio.run(scenario())
        epoch, _, positions = (caught_up[1].id or "").partition("~")
        topic, _, position = positions.partition("=")
        values = stored_scores(self.a)
        # Its id: the broker's epoch, and a position of "scores" past the bumps (the Redis keys
        # are shared with other runs, which may publish to "scores" meanwhile).
        assert (
            statuses,
            (values[str(first)], values[str(second)]),
            render_of(caught_up),
            (epoch, topic, int(position or 0) >= head),
        ) == (
            [200] * 4,
            (3, 1),
            self.expected(),
            (seen.partition("~")[0], "scores", True),
        ), self.logs()

    def test_a_page_hopping_between_servers_one_restarted_never_shows_an_older_state(  # type: ignore[misc]
        self: TwoServersTestCase,
    ) -> None:
        scores = new_scores(self.a, 5)
        servers = [self.a, self.b]
        restarted = threading.Event()
        # The page that hops, and one that stays on each server (so that each has a group of
        # Score.watch all along, whose renders a joining page may be given).
        hopper = Follower(servers, every=2.0)
        stayers = [Follower([server], every=3600) for server in servers]
        pages = [hopper, *stayers]
        # Bumps 0-399 at once; B restarts; 400-799 meanwhile (to A while B is down); 800-989
        # once B is back; the last 10 once the hopping page keeps the connection it has,
        # through the other server: that connection must bring it every one of them.
        writers = Writers(
            servers,
            scores,
            1000,
            gates=[(800, restarted), (990, hopper.holding)],
            route=lambda n: n if n < 990 else 1 - (hopper.held_on or 0),
        )
        timings: dict[str, float] = {}

        def mark(name: str) -> None:
            timings[name] = round(time.monotonic() - started, 2)

        async def scenario() -> None:
            following = [asyncio.create_task(page.run()) for page in pages]
            writing = asyncio.create_task(asyncio.to_thread(writers.run))
            while writers.answered() < 400:
                await asyncio.sleep(0.02)
            mark("restart")
            await asyncio.to_thread(self.b.restart)
            restarted.set()
            mark("restarted")
            while writers.answered() < 990:
                await asyncio.sleep(0.02)
            hopper.hold.set()
            await writing
            mark("bumped")
            # Every bump has been answered (and published): the pages catch up.
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                stored = await asyncio.to_thread(stored_scores, self.a)
                if all(page.state == stored for page in pages):
                    break
                await asyncio.sleep(0.1)
            mark("settled")
            for page in pages:
                page.stop.set()
            await asyncio.gather(*following)

        started = time.monotonic()
        asyncio.run(scenario())
        stored = stored_scores(self.a)
        happened = (
            f"{timings}; bumps by server {writers.by_server}, {writers.retries} retried; the "
            f"hopping page's connections (by server) {hopper.connections}, {hopper.refused} "
            f"refused, {hopper.events} events, held on {hopper.held_on}; the others' "
            f"connections {[len(page.connections) for page in stayers]}"
        )
        assert (
            [page.regressions for page in pages],
            [page.state == stored for page in pages],
            sum(stored[str(score)] for score in scores),
            sorted(set(writers.statuses)),
            len(writers.statuses),
        ) == ([[], [], []], [True] * 3, 1000, [200], 1000), (
            happened,
            [page.state for page in pages],
            stored,
            self.logs(),
        )


class RedisBrokerTests(SharedBrokerContract, TwoServersTestCase):
    broker = REDIS

    def head(self) -> int:
        client = redis.Redis.from_url(REDIS)
        try:
            return int(client.get("nitro:live:head:scores") or 0)
        finally:
            client.close()


class PostgresBrokerTests(SharedBrokerContract, TwoServersTestCase):
    broker = "postgres"
    needs_postgresql = True

    def head(self) -> int:
        ((head,),) = self.database.query(
            "SELECT coalesce(max(id), 0) FROM nitro_live_message WHERE topic = 'scores'"
        )
        return int(head)


class MemoryBrokerTests(TwoServersTestCase):
    """The memory broker (the default) keeps messages in their process: why the setting
    matters as soon as there are two."""

    broker = "memory"

    def test_a_change_through_the_same_server_arrives(self):
        (score,) = new_scores(self.a, 1)
        headers = self.headers()

        async def scenario() -> tuple[int, Any]:
            stream = await EventStream.open(self.a.port, WATCH)
            try:
                snapshot = await stream.take(2)
                status = await asyncio.to_thread(bump, self.a, score, headers)
                return status, render_of(await next_render(stream, snapshot))
            finally:
                stream.abort()

        assert asyncio.run(scenario()) == (200, self.expected())

    def test_a_change_through_another_server_does_not_arrive(self):
        (score,) = new_scores(self.a, 1)
        headers = self.headers()

        async def scenario() -> tuple[int, list[Event]]:
            stream = await EventStream.open(self.a.port, WATCH)
            try:
                await stream.take(2)
                status = await asyncio.to_thread(bump, self.b, score, headers)
                return status, await stream.quiet(3)
            finally:
                stream.abort()

        status, came = asyncio.run(scenario())
        assert (status, stored_scores(self.a)[str(score)], came) == (200, 1, [])


class IdleLiveStreamsTests(SimpleTestCase):
    """Fifty live streams open on one uvicorn worker, waiting: the database connections the
    server holds are the broker's only (pg_stat_activity of the server's database)."""

    database: ClassVar[ServerDatabase]

    @classmethod
    def setUpClass(cls) -> None:
        if not on_postgresql():
            raise SkipTest("counts PostgreSQL's connections (pg_stat_activity)")
        super().setUpClass()
        cls.database = ServerDatabase()
        cls.addClassCleanup(cls.database.drop)
        cls.database.migrate(**BYTECODE)

    def measure(self, broker: str, holds: int) -> tuple[int, int, int, int]:
        """The connections of the server's database before any stream, with 50 streams open
        and waiting (their snapshots sent), and once they have gone; and how many snapshots
        came. Each count is the one it settles to within 5 s (*holds*, the broker's)."""
        (server,) = start(self.database, broker, 1)
        self.addCleanup(server.__exit__, None, None, None)
        before = settled(self.database.connections, 0, 5)

        async def scenario() -> tuple[int, int]:
            streams = [await EventStream.open(server.port, WATCH) for _ in range(50)]
            try:
                snapshots = [await stream.take(2) for stream in streams]
                during = await asyncio.to_thread(settled, self.database.connections, holds, 5)
            finally:
                for stream in streams:
                    stream.abort()
            return sum(found[1].kind == PATCH_SIGNALS for found in snapshots), during

        snapshots, during = asyncio.run(scenario())
        after = settled(self.database.connections, holds, 5)
        return before, snapshots, during, after

    def test_with_the_redis_broker_they_hold_no_connection(self):
        assert self.measure(REDIS, 0) == (0, 50, 0, 0)

    def test_with_the_postgres_broker_they_hold_its_listener_and_reader_only(self):
        assert self.measure("postgres", 2) == (0, 50, 2, 2)
