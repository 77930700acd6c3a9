"""Live streams (nitro_dispatch.live) through real uvicorn workers on PostgreSQL.

    python -m bench live

1. Idle streams: how many one uvicorn worker holds, and the memory each costs (the worker's
   VmRSS before and after opening them), at 1,000 and 5,000 streams of /api/card/watch, as they
   are (no Accept-Encoding) and compressed (``Accept-Encoding: gzip, br``); and a GET /csrf/
   timed while they are open.
2. Latency: "POST sent -> patch received" for every subscriber of every change, with 1, 100 and
   1,000 subscribers of /api/score/watch spread over two uvicorn processes, for the Redis and
   the PostgreSQL broker; p50 and p99.
3. CPU per change of a shared fragment (a board of 50 cards) with 1 and with 1,000 viewers on
   one worker: the CPU time of the worker's threads over K changes (made by another process,
   through the broker), less what it spends idle over as long.
4. Compression: the bytes one subscriber of the board receives over 50 renames, as it is, and
   asking for gzip and for brotli (decompressed to check they carry the same events); an
   encoding the server does not offer is reported as such.

The servers are tests/servers.py's (uvicorn with httptools and uvloop, as the bench extra
installs it), on a PostgreSQL database made for the run, through Django's connection pool
(POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER; 127.0.0.1, 5432, postgres by default); the Redis
broker is a redis-server started for the run on a free port (its keys and its channel are the
run's alone: a shared Redis would mix in other processes' messages). The clients are raw
asyncio sockets of this process. Everything runs on loopback on one machine, so the clients and
the servers share its CPUs.
"""

from __future__ import annotations

import asyncio
import bisect
import codecs
import contextlib
import http.client
import importlib
import importlib.util
import json
import os
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from bench._harness import POSTGRES, postgres_unreachable
from tests.servers import ROOT, Server, ServerDatabase

try:  # to read brotli streams, should the server send them
    brotli: Any = importlib.import_module("brotli")
except ImportError:
    brotli = None


IDLE_COUNTS: Final = (1000, 5000)
WARM_STREAMS: Final = 16  # open before the baseline: the hub started, the first render made
STREAM_KB_GOAL: Final = 30
# Streams opened at once per server: each opening request holds a PostgreSQL connection while
# its view runs, and the PostgreSQL server (max_connections) is shared.
AT_ONCE: Final = 12
MEMORY_HEADROOM_KB: Final = 4 * 1024 * 1024  # stop opening streams before the machine runs out

SUBSCRIBERS: Final = (1, 100, 1000)
BUMPS: Final = 40
WARM_BUMPS: Final = 2
BUMP_SPACING: Final = 0.15
LATENCY_GOAL: Final = 0.100

CARDS: Final = 50
CPU_VIEWERS: Final = 1000
CPU_ROUNDS: Final = 5
CHANGES_PER_ROUND: Final = 8
IDLE_SECONDS: Final = 1.5
CPU_GOAL: Final = 3.0

RENAMES: Final = 50
COMPRESSION_GOAL: Final = 20.0

COMPRESSED: Final = "Accept-Encoding: gzip, br\r\n"
HEARTBEAT: Final = ": ping\n\n"


# The streams' client: raw sockets, HTTP/1.1 chunked bodies, decompressed as they come.


class Stream:
    """One open stream: its connection, and what came on it.

    ``feed()`` parses what comes as it comes (headers, chunks, gzip or brotli); a *lazy* stream
    only records each read and its time (``reads``), to be parsed after the run, so that a
    thousand of them cost the client as little as possible while it times them.
    """

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, keep: bool = False
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.keep = keep
        self.status = 0
        self.encoding = ""
        self.wire_bytes = 0  # as received, headers and chunk framing included
        self.body_bytes = 0  # the body as sent (compressed, if it is)
        self.renders = 0  # events carrying an id: renders (snapshot included) received
        self.text: list[str] = []  # everything decoded, if *keep*
        self.tail = ""
        self.reads: list[tuple[float, bytes]] = []  # if lazy
        self.target: str | None = None  # a text to watch for, and who to tell
        self.on_target: Callable[[], None] | None = None
        self._pending = bytearray()
        self._headed = False
        self._decode: Callable[[bytes], str] | None = None

    def feed(self, data: bytes) -> None:
        self.wire_bytes += len(data)
        self._pending += data
        if not self._headed:
            head, found, rest = bytes(self._pending).partition(b"\r\n\r\n")
            if not found:
                return
            self._headed = True
            self._pending = bytearray(rest)
            lines = head.decode("latin-1").split("\r\n")
            self.status = int(lines[0].split()[1])
            fields = dict(line.lower().split(": ", 1) for line in lines[1:] if ": " in line)
            self.encoding = fields.get("content-encoding", "identity")
            self._decode = _decoder(self.encoding)
        assert self._decode is not None
        while True:
            line_end = self._pending.find(b"\r\n")
            if line_end < 0:
                return
            size = int(self._pending[:line_end], 16)
            end = line_end + 2 + size + 2
            if len(self._pending) < end:
                return
            chunk = bytes(self._pending[line_end + 2 : end - 2])
            del self._pending[:end]
            self.body_bytes += size
            text = self._decode(chunk)
            self.renders += text.count("\nid: ")
            if self.keep:
                self.text.append(text)
            self._seen(text)

    def record(self, data: bytes) -> None:
        """Keep *data* and when it came, to parse later (the chunks' framing included)."""
        self.reads.append((time.monotonic(), data))
        self._seen(data[-512:].decode("latin-1"))

    def _seen(self, text: str) -> None:
        self.tail = (self.tail + text)[-512:]
        if self.target is not None and self.target in self.tail:
            self.target = None
            if self.on_target is not None:
                self.on_target()

    def watch(self, target: str, then: Callable[[], None]) -> None:
        """Call *then* once *target* has come."""
        self.target, self.on_target = target, then
        if target in self.tail:
            self.target = None
            then()

    def abort(self) -> None:
        self.writer.transport.abort()


def _decoder(encoding: str) -> Callable[[bytes], str]:
    utf8 = codecs.getincrementaldecoder("utf-8")()
    if encoding == "gzip":
        gzip = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return lambda chunk: utf8.decode(gzip.decompress(chunk))
    if encoding == "br":
        if brotli is None:
            raise RuntimeError("the server sent brotli: pip install brotli to read it")
        unbrotli = brotli.Decompressor()
        return lambda chunk: utf8.decode(unbrotli.process(chunk))
    return utf8.decode


async def open_stream(
    port: int, path: str, headers: str = "", *, keep: bool = False, seconds: float = 120
) -> Stream:
    """Open a Datastar stream and read it until its snapshot has come."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nDatastar-Request: true\r\n{headers}\r\n"
        .encode()
    )  # fmt: skip
    stream = Stream(reader, writer, keep=keep)
    try:
        async with asyncio.timeout(seconds):
            while not stream.renders:
                data = await reader.read(65536)
                if not data:
                    raise ConnectionError(f"{path} closed before its snapshot")
                stream.feed(data)
    except BaseException:
        stream.abort()
        raise
    if stream.status != 200:
        stream.abort()
        raise ConnectionError(f"{path} answered {stream.status}")
    return stream


async def open_streams(
    port: int,
    path: str,
    count: int,
    headers: str = "",
    *,
    guard: Callable[[int], int] | None = None,
) -> tuple[list[Stream], list[str]]:
    """Open *count* streams, AT_ONCE at a time; *guard* (given how many are open) says how many
    more may be opened. Return the streams and the errors."""
    streams: list[Stream] = []
    errors: list[str] = []
    while len(streams) + len(errors) < count:
        batch = min(AT_ONCE, count - len(streams) - len(errors))
        if guard is not None and (batch := min(batch, guard(len(streams)))) <= 0:
            errors.append(f"stopped at {len(streams)} streams: memory")
            break
        found = await asyncio.gather(
            *(open_stream(port, path, headers) for _ in range(batch)), return_exceptions=True
        )
        for item in found:
            if isinstance(item, Stream):
                streams.append(item)
            else:
                errors.append(f"{type(item).__name__}: {item}")
        if len(errors) > 20:
            break
    return streams, errors


async def pump(stream: Stream, lazy: bool = False) -> None:
    """Read *stream* until it ends: parsed as it comes, or (*lazy*) recorded for later."""
    with contextlib.suppress(OSError, asyncio.CancelledError):
        while data := await stream.reader.read(65536):
            if lazy:
                stream.record(data)
            else:
                stream.feed(data)


class Countdown:
    """Set once *count* streams have had what they were watching for."""

    def __init__(self, count: int) -> None:
        self.left = count
        self.done = asyncio.Event()
        if count <= 0:
            self.done.set()

    def hit(self) -> None:
        self.left -= 1
        if self.left <= 0:
            self.done.set()


async def watch_all(streams: Sequence[Stream], target: str, seconds: float = 60) -> int:
    """Wait until every stream has received *target*; return how many have not."""
    countdown = Countdown(len(streams))
    for stream in streams:
        stream.watch(target, countdown.hit)
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await countdown.done.wait()
    for stream in streams:
        stream.target = None
    return max(countdown.left, 0)


# The processes.


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def private_redis() -> Iterator[str | None]:
    """A redis-server for this run (no persistence), or None if there is none to start."""
    server = shutil.which("redis-server")
    if server is None:
        yield None
        return
    port = _free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _worker(server: Server) -> int:
    """The pid of the server's (only) worker: uvicorn --workers 1 serves in its own process."""
    pids = server.pids()
    return pids[-1]


def rss_kb(pid: int) -> int:
    found = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    assert found is not None
    return int(found[1])


def available_kb() -> int:
    found = re.search(r"^MemAvailable:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    return int(found[1]) if found else 0


TICK: Final = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of every thread of *pid*, those that have ended included."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def thread_cpu_seconds(pid: int) -> float:
    """The CPU time of *pid*'s live threads, to the nanosecond (/proc/<pid>/task/*/schedstat):
    over a window in which no thread ends, what utime + stime would give in 10 ms ticks."""
    total = 0
    for schedstat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with contextlib.suppress(OSError):
            total += int(schedstat.read_text().split()[0])
    return total / 1e9


def raise_open_files() -> int:
    """The soft limit of open files raised to the hard one (the servers inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = 1 << 20
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Writer:
    """Another process renaming Cards through the entity API (``card.save()``): their changes
    reach the servers through the broker, as a management command's or the admin's do."""

    def __init__(self, database: ServerDatabase, broker: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bench.live", "writer"],
            cwd=ROOT,
            env=database.environment(NITRO_TEST_BROKER=broker),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def rename(self, card: str, title: str) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps([card, title]) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if answer != "ok\n":
            raise RuntimeError(f"the writer answered {answer!r}")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _write_forever() -> None:
    """The writer process: ``[card id, title]`` lines in, ``ok`` out once published."""
    import django

    django.setup()
    from tests.live_app.entities import Card

    for line in sys.stdin:
        card_id, title = json.loads(line)
        card = Card.get(card_id)
        assert card is not None
        card.title = title
        card.save()  # published to "cards" once committed (autocommit: at once)
        print("ok", flush=True)


def cards_head(redis_url: str) -> int:
    """The position of the last message of "cards" in the run's Redis."""
    import redis

    client = redis.Redis.from_url(redis_url)
    try:
        return int(client.get("nitro:live:head:cards") or 0)
    finally:
        client.close()


# A board that looks like a todo list.

_VERBS: Final = ["Call", "Email", "Book", "Renew", "Review", "Order", "Fix", "Plan", "Pay",
                 "Clean", "Write", "Update", "Cancel", "Pick up", "Schedule"]  # fmt: skip
_THINGS: Final = ["the plumber about the kitchen sink", "the dentist appointment",
                  "car insurance", "the quarterly report", "groceries for the weekend",
                  "the leaking bathroom tap", "the team offsite", "the electricity bill",
                  "the garage", "thank-you notes to the hosts", "the project roadmap",
                  "the gym membership", "the parcel from the post office",
                  "the kids' swimming lessons", "the bike's brakes"]  # fmt: skip
_WHEN: Final = ["before Friday", "this afternoon", "on Monday morning", "by the end of the month",
                "after lunch", "tomorrow", "next week", "before the holidays", "tonight",
                "when back from the trip"]  # fmt: skip


def title(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_THINGS)} {rng.choice(_WHEN)}"


def make_board(database: ServerDatabase, rng: random.Random) -> list[str]:
    """Insert CARDS cards; return their ids, in the board's order."""
    ids = sorted(str(uuid.uuid4()) for _ in range(CARDS))
    for card in ids:
        database.query("INSERT INTO card (id, title, owner) VALUES (?, ?, 0)", card, title(rng))
    return ids


def _percentile(values: Sequence[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered) + 0.5) - 1))]


def _verdict(holds: bool) -> str:
    return "PASS" if holds else "FAIL"


def _servers(database: ServerDatabase, broker: str, count: int) -> list[Server]:
    """*count* uvicorn servers (one worker each) starting in parallel; enter them to wait."""
    return [Server("uvicorn", database, workers=1, broker=broker) for _ in range(count)]


@contextlib.contextmanager
def serving(servers: list[Server]) -> Iterator[list[Server]]:
    with contextlib.ExitStack() as stack:
        for server in servers:
            stack.enter_context(server)
        try:
            yield servers
        finally:
            for server in servers:
                errors = [line for line in server.log_text().splitlines()
                          if "Traceback" in line or "ERROR" in line]  # fmt: skip
                if errors:
                    print(f"  (server :{server.port} logged {len(errors)} errors; first: "
                          f"{errors[0][:200]})")  # fmt: skip


# 1. Idle streams.


def idle_streams(database: ServerDatabase, broker: str) -> bool:
    print("\n1. Idle streams on one uvicorn worker (GET /api/card/watch, a 50-card board)")
    variants = {"as is": "", "gzip, br": COMPRESSED}
    with serving(_servers(database, broker, len(variants))) as servers:
        results = asyncio.run(_idle_scenario(dict(zip(variants.values(), servers, strict=True))))
    ok = True
    labels = {headers: name for name, headers in variants.items()}
    print(f"{'Accept-Encoding (answered)':<26} {'streams':>8} {'RSS MB':>9} {'per stream':>11} "
          f"{'opened/s':>9} {'CPU/open':>9} {'GET /csrf/':>11}  "
          f"goal <= {STREAM_KB_GOAL} KB")  # fmt: skip
    for headers, rows in results.items():
        labels[headers] += f" ({rows[0]['encoding']})"
    for headers, rows in results.items():
        for row in rows:
            holds = row["per_kb"] <= STREAM_KB_GOAL and row["open"] >= row["count"]
            if row["count"] == IDLE_COUNTS[-1]:
                ok = ok and holds
            print(f"{labels[headers]:<26} {row['open']:>8} {row['rss_kb'] / 1024:>9.1f} "
                  f"{row['per_kb']:>8.1f} KB {row['rate']:>9.0f} {row['cpu'] * 1000:>6.1f} ms "
                  f"{row['csrf'] * 1000:>8.1f} ms"
                  f"  {_verdict(holds)}")  # fmt: skip
            for error in row["errors"][:3]:
                print(f"    {error}")
    for headers, rows in results.items():
        print(f"{labels[headers]}: GET /csrf/ with {WARM_STREAMS} streams open: "
              f"{rows[0]['csrf_before'] * 1000:.1f} ms; every GET /csrf/ answered 200: "
              f"{_verdict(all(row['csrf_ok'] for row in rows))}")  # fmt: skip
        ok = ok and all(row["csrf_ok"] for row in rows)
    print(f"goal: >= {IDLE_COUNTS[-1]:,} idle streams on one worker at <= {STREAM_KB_GOAL} KB "
          f"each: {_verdict(ok)}")  # fmt: skip
    encodings = {rows[0]["encoding"] for rows in results.values()} - {"identity"}
    for encoding in sorted(encodings):
        _compressor_memory(encoding)
    return ok


async def _idle_scenario(servers: dict[str, Server]) -> dict[str, list[dict[str, Any]]]:
    async def csrf(server: Server) -> tuple[float, bool]:
        times = []
        answered = True
        for _ in range(5):
            started = time.monotonic()
            status, _ = await asyncio.to_thread(server.request, "GET", "/csrf/")
            times.append(time.monotonic() - started)
            answered = answered and status == 200
        return statistics.median(times), answered

    async def one(headers: str, server: Server) -> list[dict[str, Any]]:
        worker = _worker(server)
        held, errors = await open_streams(server.port, "/api/card/watch", WARM_STREAMS, headers)
        if errors:
            raise RuntimeError(f"the warm-up streams failed: {errors[:3]}")
        before, before_ok = await csrf(server)
        base = rss_kb(worker)
        rows = []
        for count in IDLE_COUNTS:
            opened_before = len(held) - WARM_STREAMS

            def guard(open_now: int, opened_before: int = opened_before) -> int:
                # Stop before the machine runs out of memory (the compressed streams may).
                grown = max(rss_kb(worker) - base, 0)
                each = grown / max(opened_before + open_now, 1)
                return AT_ONCE if each * AT_ONCE < available_kb() - MEMORY_HEADROOM_KB else 0

            started, spent = time.monotonic(), cpu_seconds(worker)
            more, more_errors = await open_streams(
                server.port, "/api/card/watch", count - opened_before, headers, guard=guard
            )
            elapsed = time.monotonic() - started
            held += more
            errors += more_errors
            await asyncio.sleep(1)  # what the last joins left for the loop
            now = rss_kb(worker)
            opened = len(held) - WARM_STREAMS
            seconds, answered = await csrf(server)
            rows.append({
                "count": count, "open": opened, "rss_kb": now, "errors": list(errors),
                "per_kb": (now - base) / max(opened, 1), "rate": len(more) / elapsed,
                "cpu": (cpu_seconds(worker) - spent) / max(len(more), 1),
                "csrf": seconds, "csrf_ok": answered and before_ok, "csrf_before": before,
                "encoding": held[0].encoding,
            })  # fmt: skip
            if opened < count:
                break
        for stream in held:
            stream.abort()
        return rows

    found = await asyncio.gather(*(one(headers, server) for headers, server in servers.items()))
    return dict(zip(servers, found, strict=True))


_COMPRESSORS: Final = """
import inspect, json, re, sys
from nitro_dispatch._compress import Compressor
arguments = sys.argv[1:] if inspect.signature(Compressor).parameters else []
def rss():
    return int(re.search(r"VmRSS:\\s+(\\d+)", open("/proc/self/status").read())[1])
renders = json.load(sys.stdin)
held = []
before = rss()
for _ in range(500):
    compressor = Compressor(*arguments)
    compressor.chunk(renders[0])
    held.append(compressor)
first = (rss() - before) / 500
for compressor in held:
    for text in renders[1:]:
        compressor.chunk(text)
print(json.dumps([first, (rss() - before) / 500]))
"""


def _compressor_memory(encoding: str) -> None:
    """What one stream's compressor (nitro_dispatch._compress.Compressor) holds once it has
    sent a snapshot, and once it has sent 50 renders more (its window full): 500 of them made
    in a process of their own, its RSS before and after."""
    rng = random.Random(3)
    cards = {str(uuid.UUID(int=rng.getrandbits(128))): title(rng) for _ in range(CARDS)}
    renders = []
    for change in range(RENAMES + 1):
        if change:
            cards[sorted(cards)[change % CARDS]] = title(rng)
        items = "".join(f'<li id="card-{card}">{cards[card]}</li>' for card in sorted(cards))
        renders.append(f'event: datastar-patch-elements\ndata: elements <ul id="cards">{items}'
                       f'</ul>\n\nevent: datastar-patch-signals\ndata: signals {{"cards":50}}\n'
                       f"id: 0123456789ab~cards={change}\n\n")  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", _COMPRESSORS, encoding], input=json.dumps(renders),
        capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")}, check=True,
    )  # fmt: skip
    first, full = json.loads(done.stdout)
    print(f"where it goes: one {encoding} stream's compressor (in a process of its own) holds "
          f"{first:.0f} KB after a {len(renders[0]):,}-character snapshot, {full:.0f} KB after "
          f"{RENAMES} renders more")  # fmt: skip


# 2. Latency.


@dataclass
class Delivery:
    """What the subscribers of one run got: a latency per subscriber per change, how many
    changes some subscriber never got, and the POSTs' own round trips."""

    samples: list[float] = field(default_factory=list)
    missed: int = 0
    posts: list[float] = field(default_factory=list)
    client_cpu: float = 0.0  # this process's CPU per change (reading the streams, mostly)


def latency(database: ServerDatabase, redis_url: str) -> bool:
    print("\n2. POST sent -> patch received (GET /api/score/watch, two uvicorn processes; "
          f"{BUMPS} bumps {BUMP_SPACING * 1000:.0f} ms apart, sent to each in turn)")  # fmt: skip
    (row,) = database.query("INSERT INTO score (value) VALUES (0) RETURNING id")
    score = int(row[0])
    ok = True
    print(f"{'broker':<10} {'subscribers':>11} {'p50':>9} {'p99':>9} {'max':>9} {'samples':>8} "
          f"{'missed':>7} {'POST p50':>9} {'POST max':>9} {'client':>9}  "
          f"goal p99 <= {LATENCY_GOAL * 1000:.0f} ms at {SUBSCRIBERS[-1]:,}")  # fmt: skip
    for name, broker in (("redis", redis_url), ("postgres", "postgres")):
        with serving(_servers(database, broker, 2)) as servers:
            rows = asyncio.run(_latency_scenario(servers, score))
        for count, run in rows.items():
            p99 = _percentile(run.samples, 99) if run.samples else float("inf")
            holds = p99 <= LATENCY_GOAL and not run.missed
            if count == SUBSCRIBERS[-1]:
                ok = ok and holds
            shown = (f"{statistics.median(run.samples) * 1000:>6.1f} ms {p99 * 1000:>6.1f} ms "
                     f"{max(run.samples) * 1000:>6.1f} ms") if run.samples else "-"  # fmt: skip
            posts = (f"{statistics.median(run.posts) * 1000:>6.1f} ms "
                     f"{max(run.posts) * 1000:>6.1f} ms")  # fmt: skip
            print(f"{name:<10} {count:>11,} {shown} {len(run.samples):>8} {run.missed:>7} "
                  f"{posts} {run.client_cpu * 1000:>6.1f} ms"
                  f"  {_verdict(holds) if count == SUBSCRIBERS[-1] else ''}")  # fmt: skip
    print("(POST p50, max: the bump's own round trip, commit and publish included; client: the "
          "CPU this process spent per change, reading the streams; a change is 'missed' if a "
          "subscriber never shows it)")  # fmt: skip
    print(f"goal: p99 <= {LATENCY_GOAL * 1000:.0f} ms at {SUBSCRIBERS[-1]:,} subscribers: "
          f"{_verdict(ok)}")  # fmt: skip
    return ok


async def _latency_scenario(servers: list[Server], score: int) -> dict[int, Delivery]:
    held: list[list[Stream]] = [[] for _ in servers]
    pumps: list[asyncio.Task[None]] = []
    rows: dict[int, Delivery] = {}
    poster = ThreadPoolExecutor(1)
    connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                   for server in servers]  # fmt: skip
    headers = [server.csrf_headers() for server in servers]
    marker = re.compile(rb'"%d":(\d+)\}' % score)

    def bump(turn: int) -> tuple[float, float, int]:
        connection = connections[turn % len(servers)]
        sent = time.monotonic()
        connection.request("POST", f"/api/score/{score}/bump", headers=headers[turn % len(servers)])
        response = connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"bump answered {response.status}: {body[:200]!r}")
        return sent, time.monotonic(), int(json.loads(body)["value"])

    loop = asyncio.get_running_loop()
    try:
        for count in SUBSCRIBERS:
            # Spread over the servers: the first one gets the odd one out.
            wanted = [count // len(servers) + (1 if index < count % len(servers) else 0)
                      for index in range(len(servers))]  # fmt: skip
            opened = await asyncio.gather(*(
                open_streams(server.port, "/api/score/watch", want - len(streams))
                for server, want, streams in zip(servers, wanted, held, strict=True)
            ))  # fmt: skip
            for streams, (more, errors) in zip(held, opened, strict=True):
                if errors:
                    raise RuntimeError(f"streams failed to open: {errors[:3]}")
                streams += more
                pumps += [asyncio.create_task(pump(stream, lazy=True)) for stream in more]
            everyone = [stream for streams in held for stream in streams]
            for index, server in enumerate(servers):  # uvicorn closes idle ones after 5 s
                connections[index].close()
                connections[index] = http.client.HTTPConnection(
                    "127.0.0.1", server.port, timeout=60
                )
            for turn in range(WARM_BUMPS):  # unmeasured: each server's first POSTs
                *_, value = await loop.run_in_executor(poster, bump, turn)
                await watch_all(everyone, f'"{score}":{value}}}', seconds=30)
            await asyncio.sleep(0.5)
            for stream in everyone:
                stream.reads.clear()
            run = Delivery()
            sent: dict[int, float] = {}
            started, client = loop.time(), time.process_time()
            for turn in range(BUMPS):
                await asyncio.sleep(max(0.0, started + turn * BUMP_SPACING - loop.time()))
                at, answered, value = await loop.run_in_executor(poster, bump, turn)
                sent[value] = at
                run.posts.append(answered - at)
            await watch_all(everyone, f'"{score}":{max(sent)}}}', seconds=30)
            run.client_cpu = (time.process_time() - client) / BUMPS
            for stream in everyone:
                raw = b"".join(data for _, data in stream.reads)
                ends = list(_cumulative(len(data) for _, data in stream.reads))
                seen = [(int(found[1]), stream.reads[bisect.bisect_left(ends, found.end())][0])
                        for found in marker.finditer(raw)]  # fmt: skip
                for value, at in sent.items():
                    received = next((t for shown, t in seen if shown >= value), None)
                    if received is None:
                        run.missed += 1
                    else:
                        run.samples.append(received - at)
            rows[count] = run
    finally:
        for task in pumps:
            task.cancel()
        for streams in held:
            for stream in streams:
                stream.abort()
        await asyncio.gather(*pumps, return_exceptions=True)
        for connection in connections:
            connection.close()
        poster.shutdown()
    return rows


def _cumulative(sizes: Iterator[int] | Any) -> Iterator[int]:
    total = 0
    for size in sizes:
        total += size
        yield total


# 3. CPU per change.


def cpu_per_change(database: ServerDatabase, redis_url: str, cards: list[str]) -> bool:
    print(f"\n3. CPU per change of the shared board ({CARDS} cards) on one uvicorn worker "
          f"({CPU_ROUNDS} rounds of {CHANGES_PER_ROUND} renames, less the idle CPU)")  # fmt: skip
    variants = {
        "1 viewer": (1, ""),
        f"{CPU_VIEWERS:,} viewers": (CPU_VIEWERS, ""),
        "1 viewer, gzip, br": (1, COMPRESSED),
        f"{CPU_VIEWERS:,} viewers, gzip, br": (CPU_VIEWERS, COMPRESSED),
    }
    writer = Writer(database, redis_url)
    try:
        with serving(_servers(database, redis_url, len(variants))) as servers:
            per_change, idle = asyncio.run(
                _cpu_scenario(
                    dict(zip(variants, servers, strict=True)), variants, writer, redis_url, cards
                )
            )
    finally:
        writer.close()
    names = list(variants)
    print(f"{'variant':<26} {'CPU per change':>15} {'idle CPU':>9} {'ratio to 1 viewer':>18}")
    ok = True
    for index, name in enumerate(names):
        one = names[index - 1] if index % 2 else name
        ratio = statistics.median(
            s / r for s, r in zip(per_change[name], per_change[one], strict=True)
        )
        holds = ratio <= CPU_GOAL
        if index % 2:
            ok = ok and holds
        print(f"{name:<26} {statistics.median(per_change[name]) * 1000:>12.2f} ms "
              f"{statistics.median(idle[name]) * 100:>7.1f} % {ratio:>17.1f}×"
              f"  {_verdict(holds) if index % 2 else ''}")  # fmt: skip
    print("(medians over rounds; the ratio is the median of the rounds' ratios, all four workers "
          "measured over the same changes)")  # fmt: skip
    for one, many in (names[0:2], names[2:4]):
        extra = statistics.median(per_change[many]) - statistics.median(per_change[one])
        print(f"each viewer beyond the first ({many}): {extra / (CPU_VIEWERS - 1) * 1e6:.0f} µs "
              "per change")  # fmt: skip
    print(f"goal: {CPU_VIEWERS:,} viewers cost <= {CPU_GOAL:.0f}× one viewer: {_verdict(ok)}")
    return ok


async def _cpu_scenario(
    servers: dict[str, Server],
    variants: dict[str, tuple[int, str]],
    writer: Writer,
    redis_url: str,
    cards: list[str],
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    held: dict[str, list[Stream]] = {}
    workers = {name: _worker(server) for name, server in servers.items()}

    async def viewers(name: str) -> None:
        count, headers = variants[name]
        streams, errors = await open_streams(servers[name].port, "/api/card/watch", count,
                                             headers)  # fmt: skip
        if errors:
            raise RuntimeError(f"{name}: streams failed to open: {errors[:3]}")
        held[name] = streams

    await asyncio.gather(*(viewers(name) for name in servers))
    answered = {name: streams[0].encoding for name, streams in held.items()}
    print(f"(answered in {', '.join(f'{name}: {answered[name]}' for name in servers)})")
    everyone = [stream for streams in held.values() for stream in streams]
    pumps = [asyncio.create_task(pump(stream)) for stream in everyone]
    rng = random.Random(5)
    position = cards_head(redis_url)
    per_change: dict[str, list[float]] = {name: [] for name in servers}
    idle: dict[str, list[float]] = {name: [] for name in servers}

    def cpu() -> dict[str, float]:
        return {name: thread_cpu_seconds(pid) for name, pid in workers.items()}

    try:
        await asyncio.sleep(1)
        for _ in range(CPU_ROUNDS):
            quiet, quiet_at = cpu(), time.monotonic()
            await asyncio.sleep(IDLE_SECONDS)
            busy, busy_at = cpu(), time.monotonic()
            rate = {name: (busy[name] - quiet[name]) / (busy_at - quiet_at) for name in servers}
            for _ in range(CHANGES_PER_ROUND):
                position += 1
                await asyncio.to_thread(writer.rename, rng.choice(cards), title(rng))
                late = await watch_all(everyone, f"~cards={position}\n")
                if late:
                    raise RuntimeError(f"{late} viewers did not get change #{position}")
            done, done_at = cpu(), time.monotonic()
            for name in servers:
                spent = done[name] - busy[name] - rate[name] * (done_at - busy_at)
                per_change[name].append(max(spent, 0.0) / CHANGES_PER_ROUND)
                idle[name].append(rate[name])
    finally:
        for task in pumps:
            task.cancel()
        for stream in everyone:
            stream.abort()
        await asyncio.gather(*pumps, return_exceptions=True)
    return per_change, idle


# 4. Compression.


def compression(database: ServerDatabase, redis_url: str, cards: list[str]) -> bool:
    print(f"\n4. What one subscriber of the board receives over {RENAMES} renames "
          f"(snapshot included)")  # fmt: skip
    asked = {"identity": "", "gzip": "Accept-Encoding: gzip\r\n", "br": "Accept-Encoding: br\r\n"}
    writer = Writer(database, redis_url)
    try:
        with serving(_servers(database, redis_url, 1)) as (server,):
            streams = asyncio.run(_compression_scenario(server, asked, writer, redis_url, cards))
    finally:
        writer.close()
    plain = streams["identity"]
    events = _events(plain)
    print(f"{'asked for':<10} {'answered':<9} {'body bytes':>11} {'on the wire':>12} "
          f"{'per render':>11} {'ratio':>7}  same events  "
          f"goal >= {COMPRESSION_GOAL:.0f}:1")  # fmt: skip
    ok = True
    offered = 0
    for name, stream in streams.items():
        ratio = plain.body_bytes / stream.body_bytes
        same = _events(stream) == events
        goal = ""
        if name != "identity" and stream.encoding == name:
            offered += 1
            holds = ratio >= COMPRESSION_GOAL and same
            ok = ok and holds
            goal = _verdict(holds)
        elif name != "identity":
            goal = "(not offered)"
        print(f"{name:<10} {stream.encoding:<9} {stream.body_bytes:>11,} {stream.wire_bytes:>12,} "
              f"{stream.body_bytes / max(stream.renders, 1):>11,.0f} {ratio:>6.1f}:1  "
              f"{same!s:<11}  {goal}")  # fmt: skip
    print(f"({plain.renders} renders of {len(''.join(plain.text)) // plain.renders:,} characters "
          f"on average, the snapshot included)")  # fmt: skip
    ok = ok and offered > 0
    print(f"goal: every compressed encoding offered >= {COMPRESSION_GOAL:.0f}:1: {_verdict(ok)}")
    return ok


def _events(stream: Stream) -> list[str]:
    text = "".join(stream.text)
    return [event for event in text.split("\n\n") if event and event + "\n\n" != HEARTBEAT]


async def _compression_scenario(
    server: Server, encodings: dict[str, str], writer: Writer, redis_url: str, cards: list[str]
) -> dict[str, Stream]:
    # A first stream, and time for the hub to connect to the broker: a new hub re-renders its
    # groups once when it first connects (it reads the topics' logs from the start).
    first = await open_stream(server.port, "/api/card/watch")
    await asyncio.sleep(1)
    streams = {
        name: await open_stream(server.port, "/api/card/watch", headers, keep=True)
        for name, headers in encodings.items()
    }
    first.abort()
    pumps = [asyncio.create_task(pump(stream)) for stream in streams.values()]
    rng = random.Random(11)
    position = cards_head(redis_url)
    try:
        for change in range(RENAMES):
            position += 1
            await asyncio.to_thread(writer.rename, cards[change % len(cards)], title(rng))
            late = await watch_all(list(streams.values()), f"~cards={position}\n")
            if late:
                raise RuntimeError(f"{late} subscribers did not get change #{position}")
    finally:
        for stream in streams.values():
            stream.writer.close()
        # The compressor's last bytes do not come: the client leaves, as a page does.
        await asyncio.sleep(0.2)
        for task in pumps:
            task.cancel()
        await asyncio.gather(*pumps, return_exceptions=True)
    return streams


# The run.


def main() -> bool:
    if (unreachable := postgres_unreachable()) is not None:
        print(f"\nlive: skipped, PostgreSQL is not reachable ({unreachable}).")
        return True
    limit = raise_open_files()
    if limit < IDLE_COUNTS[-1] + 1000:
        print(f"\nlive: skipped, the open-files limit is {limit} (needs {IDLE_COUNTS[-1] + 1000}).")
        return True
    started = time.monotonic()
    # uvicorn takes httptools and uvloop where installed (the bench extra installs them).
    server = ", httptools, uvloop" if importlib.util.find_spec("httptools") else ", h11"
    print(f"\nLive streams: uvicorn (workers=1{server}), PostgreSQL (Django's pool), Python "
          f"{sys.version.split()[0]}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    with private_redis() as redis_url:
        if redis_url is None:
            print("live: skipped, no redis-server to start.")
            return True
        database = ServerDatabase(POSTGRES)
        # As docs/deployment.md advises under ASGI: Django's pool, so that renders and requests
        # take a connection without opening one.
        database.settings["OPTIONS"] = {"pool": {"min_size": 4, "max_size": 16}}
        try:
            database.migrate()
            cards = make_board(database, random.Random(1))
            steps: list[Callable[[], bool]] = [
                lambda: idle_streams(database, redis_url),
                lambda: latency(database, redis_url),
                lambda: cpu_per_change(database, redis_url, cards),
                lambda: compression(database, redis_url, cards),
            ]
            results = []
            for step in steps:
                begun = time.monotonic()
                results.append(step())
                print(f"({time.monotonic() - begun:.0f} s, load average {os.getloadavg()[0]:.1f})")
        finally:
            database.drop()
    print(f"\nlive: {sum(results)} of {len(results)} goals met, in "
          f"{time.monotonic() - started:.0f} s")  # fmt: skip
    return all(results)


if __name__ == "__main__":
    if sys.argv[1:] == ["writer"]:
        _write_forever()
    else:
        sys.exit(0 if main() else 1)
