"""Live streams under real servers: read event by event over raw sockets, HTTP with cookies
(the admin), and a client that keeps one live stream open across servers as Datastar does."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import urlencode

from tests.servers import Server

PATCH_SIGNALS = "datastar-patch-signals"
PATCH_ELEMENTS = "datastar-patch-elements"


@dataclass(frozen=True)
class Event:
    """One server-sent event: its type ("" for none), its data lines and its id, if any."""

    kind: str
    data: tuple[str, ...]
    id: str | None

    def signals(self) -> Any:
        """The JSON of a ``datastar-patch-signals`` event."""
        assert self.kind == PATCH_SIGNALS, self
        return json.loads("\n".join(line.removeprefix("signals ") for line in self.data))


def parse_event(block: str) -> Event | None:
    """The event of one block of a stream (without its blank line); None for comments only
    (heartbeats)."""
    kind, data, ident = "", [], None
    for line in block.split("\n"):
        name, _, value = line.partition(":")
        value = value.removeprefix(" ")
        if name == "event":
            kind = value
        elif name == "data":
            data.append(value)
        elif name == "id":
            ident = value
    if not kind and not data and ident is None:
        return None
    return Event(kind, tuple(data), ident)


class EventStream:
    """A Datastar stream (GET with ``Datastar-Request: true``) read over a raw socket: the
    chunks decoded and split into events by a task of its own, so that waiting for an event
    with a timeout never loses half of one."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writer = writer
        self.head = b""
        self._events: asyncio.Queue[Event | BaseException] = asyncio.Queue()
        self._task = asyncio.get_running_loop().create_task(self._read(reader))

    @classmethod
    async def open(
        cls, port: int, path: str, last_event_id: str | None = None, timeout: float = 10
    ) -> EventStream:
        """Open *path*'s stream (with *last_event_id* as ``Last-Event-ID``); OSError if the
        server cannot be reached."""
        async with asyncio.timeout(timeout):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        headers = "Host: 127.0.0.1\r\nDatastar-Request: true\r\n"
        if last_event_id is not None:
            headers += f"Last-Event-ID: {last_event_id}\r\n"
        writer.write(f"GET {path} HTTP/1.1\r\n{headers}\r\n".encode())
        return cls(reader, writer)

    async def _read(self, reader: asyncio.StreamReader) -> None:
        try:
            self.head = await reader.readuntil(b"\r\n\r\n")
            if not self.head.startswith(b"HTTP/1.1 200 "):
                raise ConnectionError(f"not a stream: {self.head!r}")
            text = ""
            while True:
                line = await reader.readline()
                if not line:
                    raise EOFError("the connection closed")
                size = int(line.split(b";")[0], 16)
                if size == 0:
                    raise EOFError("the stream ended")
                text += (await reader.readexactly(size + 2))[:-2].decode()
                *blocks, text = text.split("\n\n")
                for block in blocks:
                    found = parse_event(block)
                    if found is not None:
                        self._events.put_nowait(found)
        except (OSError, EOFError, ValueError, asyncio.IncompleteReadError) as exc:
            self._events.put_nowait(exc)

    async def next(self, timeout: float = 10) -> Event:
        """The next event; TimeoutError if none comes within *timeout* seconds, the error that
        ended the stream if it has ended."""
        async with asyncio.timeout(timeout):
            found = await self._events.get()
        if isinstance(found, BaseException):
            self._events.put_nowait(found)  # ended for good
            raise found
        return found

    async def take(self, count: int, timeout: float = 10) -> list[Event]:
        """The next *count* events."""
        return [await self.next(timeout) for _ in range(count)]

    async def quiet(self, seconds: float) -> list[Event]:
        """The events that come within *seconds*."""
        found: list[Event] = []
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while True:
                    found.append(await self.next(seconds))
        return found

    def abort(self) -> None:
        """Drop the connection, as a closed tab or a lost network does."""
        self._task.cancel()
        self.writer.transport.abort()


def scores_of(event: Event) -> dict[str, int]:
    """The ``scores`` signal a Score.watch event patches."""
    return dict(event.signals()["scores"])


def render_of(events: Sequence[Event]) -> list[tuple[str, tuple[str, ...]]]:
    """The types and data of *events*, for comparing whole renders."""
    return [(found.kind, found.data) for found in events]


def score_render(values: dict[int, int]) -> list[tuple[str, tuple[str, ...]]]:
    """What Score.watch sends for the scores *values* (by id)."""
    spans = "".join(
        f'<span id="score-{key}">{value}</span>' for key, value in sorted(values.items())
    )
    signals = json.dumps({"scores": {str(key): value for key, value in sorted(values.items())}},
                         separators=(",", ":"))  # fmt: skip
    return [
        (PATCH_ELEMENTS, (f'elements <div id="scores">{spans}</div>',)),
        (PATCH_SIGNALS, (f"signals {signals}",)),
    ]


class Browser:
    """Requests to one server with the cookies it set (a signed-in admin user)."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        """Send one request; return the status, the headers and the body."""
        headers = {"Cookie": "; ".join(f"{key}={value}" for key, value in self.cookies.items())}
        body = None
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urlencode(form or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            text = response.read().decode()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            connection.close()

    def log_in(self, username: str, password: str) -> int:
        """Sign in through the admin's login form; return its status (302 when it worked)."""
        self.request("GET", "/admin/login/")  # the CSRF cookie
        status, _, _ = self.request(
            "POST", "/admin/login/", {"username": username, "password": password, "next": "/admin/"}
        )
        return status


def add_superuser(server: Server, username: str, password: str) -> None:
    """Create a superuser in *server*'s database."""
    from django.contrib.auth.hashers import make_password

    server.database.query(
        "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, "
        "is_staff, is_active, date_joined) VALUES (?, ?, ?, '', '', '', ?, ?, ?)",
        make_password(password),
        True,
        username,
        True,
        True,
        "2026-01-01 00:00:00",
    )


def new_scores(server: Server, count: int) -> list[int]:
    """Insert *count* Score rows at 0; return their ids."""
    return [
        int(server.database.query("INSERT INTO score (value) VALUES (0) RETURNING id")[0][0])
        for _ in range(count)
    ]


def stored_scores(server: Server) -> dict[str, int]:
    """Every score in the database, as the ``scores`` signal holds them."""
    return {
        str(key): int(value) for key, value in server.database.query("SELECT id, value FROM score")
    }


def bump(server: Server, score: int, headers: dict[str, str]) -> int:
    """POST Score.bump on *server*; return the status."""
    return server.request("POST", f"/api/score/{score}/bump", headers=headers)[0]


@dataclass
class Follower:
    """A page following Score.watch that drops its connection every *every* seconds and
    reconnects at once to the next of *servers* (round robin) with the Last-Event-ID of the
    last event it got, as Datastar does; on a server that cannot be reached it tries the
    next one.

    Once *hold* is set, it keeps the first connection that has sent it an event, and sets
    *holding* (and *held_on*, that connection's server); a connection that sends none before
    its time is up is followed by one without Last-Event-ID, which gets a snapshot.

    It applies each ``scores`` signal patch, noting every value smaller than the one it showed
    before (an older state over a newer one).
    """

    servers: Sequence[Server]
    every: float = 2.0
    path: str = "/api/score/watch"
    state: dict[str, int] = field(default_factory=dict)
    regressions: list[tuple[str, int, int]] = field(default_factory=list)
    last_id: str | None = None
    connections: list[int] = field(default_factory=list)  # the server of each, by index
    ends: list[str] = field(default_factory=list)  # why each ended
    refused: int = 0
    events: int = 0
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    hold: asyncio.Event = field(default_factory=asyncio.Event)
    holding: threading.Event = field(default_factory=threading.Event)
    held_on: int | None = None

    async def run(self) -> None:
        turn = 0
        while not self.stop.is_set():
            index = turn % len(self.servers)
            turn += 1
            last_id = None if self.hold.is_set() and self.ends[-1:] == ["dropped"] else self.last_id
            try:
                stream = await EventStream.open(self.servers[index].port, self.path, last_id)
            except (OSError, TimeoutError):
                self.refused += 1
                await asyncio.sleep(0.05)
                continue
            self.connections.append(index)
            try:
                self.ends.append(await self._follow(stream, index))
            finally:
                stream.abort()

    async def _follow(self, stream: EventStream, index: int) -> str:
        """Follow *stream* (to server *index*) until it is time to drop it; return why it
        ended."""
        loop = asyncio.get_running_loop()
        drop_at = loop.time() + self.every
        came = False
        while not self.stop.is_set():
            if came and self.hold.is_set() and not self.holding.is_set():
                self.held_on = index
                self.holding.set()
            if not self.holding.is_set() and loop.time() >= drop_at:
                return "dropped"
            try:
                found = await stream.next(0.1)
            except TimeoutError:
                continue
            except (OSError, EOFError, ValueError, asyncio.IncompleteReadError) as exc:
                return f"ended: {exc!r}"  # the server went away (a restart): reconnect
            came = True
            self.events += 1
            if found.kind == PATCH_SIGNALS:
                for key, value in scores_of(found).items():
                    if value < self.state.get(key, value):
                        self.regressions.append((key, self.state[key], value))
                    self.state[key] = value
            if found.id is not None:
                self.last_id = found.id
        return "stopped"


class Writers:
    """*total* bumps of *scores* (bump n: score n mod len(scores), through server *route(n)*,
    n mod len(servers) by default), by *threads* threads; a bump that cannot reach its server
    (down for a restart) goes to the next one. Bump n waits, first, for each of *gates*
    ``(from, event)`` with from <= n to be set (a minute at most)."""

    def __init__(
        self,
        servers: Sequence[Server],
        scores: Sequence[int],
        total: int,
        gates: Sequence[tuple[int, threading.Event]] = (),
        route: Callable[[int], int] | None = None,
        threads: int = 6,
    ) -> None:
        self.servers = servers
        self.route = route or (lambda number: number % len(servers))
        self.scores = scores
        self.total = total
        self.gates = gates
        self.threads = threads
        self.headers = servers[0].csrf_headers()
        self.statuses: list[int] = []
        self.by_server = [0] * len(servers)
        self.retries = 0
        self._next = 0
        self._lock = threading.Lock()

    def answered(self) -> int:
        with self._lock:
            return len(self.statuses)

    def _take(self) -> int | None:
        with self._lock:
            if self._next >= self.total:
                return None
            self._next += 1
            return self._next - 1

    def _work(self) -> None:
        while (number := self._take()) is not None:
            for start, gate in self.gates:
                if number >= start:
                    gate.wait(60)
            score = self.scores[number % len(self.scores)]
            turn = self.route(number)
            while True:
                index = turn % len(self.servers)
                try:
                    status = bump(self.servers[index], score, self.headers)
                    break
                except (OSError, http.client.HTTPException):
                    # Not answered: a server stopping answers the requests it has read, and
                    # refuses new connections; so the bump was not made.
                    with self._lock:
                        self.retries += 1
                    turn += 1
                    time.sleep(0.02)
            with self._lock:
                self.statuses.append(status)
                self.by_server[index] += 1

    def run(self) -> None:
        """Make every bump; return once all have been answered."""
        workers = [threading.Thread(target=self._work) for _ in range(self.threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
