"""Real servers for the tests: gunicorn or uvicorn serving the test project in subprocesses.

Each server runs on a database of its own, migrated by ``manage.py migrate``: a SQLite file
(left in Django's default, deferred transaction mode), or a PostgreSQL database made for the
run and dropped after it. The tests talk to the servers over HTTP and read the database with
its own driver.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Literal, Self

import psycopg
from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parent.parent

Kind = Literal["gunicorn-sync", "gunicorn-gthread", "uvicorn"]


class ServerDatabase:
    """A database for the servers, on the server of *like* (``DATABASES["default"]`` of the
    test run by default): a new SQLite file, or a new PostgreSQL database."""

    def __init__(self, like: dict[str, Any] | None = None) -> None:
        tested: dict[str, Any] = like or settings.DATABASES["default"]
        self.vendor = "postgresql" if "postgresql" in tested["ENGINE"] else "sqlite"
        if self.vendor == "sqlite":
            self.directory = tempfile.TemporaryDirectory(prefix="nitro-server-")
            self.settings: dict[str, Any] = {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(Path(self.directory.name) / "server.sqlite3"),
            }
            return
        self.server: dict[str, str] = {key: tested[key] for key in ("HOST", "PORT", "USER")}
        self.name = f"nitro_server_{uuid.uuid4().hex[:12]}"
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self.settings = {"ENGINE": tested["ENGINE"], "NAME": self.name, **self.server}

    def _admin(self) -> psycopg.Connection[Any]:
        server = self.server
        return psycopg.connect(
            host=server["HOST"],
            port=server["PORT"],
            user=server["USER"],
            dbname="postgres",
            autocommit=True,
        )

    def environment(self, **more: str) -> dict[str, str]:
        """The environment of a process running the test project on this database."""
        # Servers run as users run them: not in the tests' development mode, whose asyncio
        # debugging makes a thousand open streams several times slower.
        inherited = {key: value for key, value in os.environ.items() if key != "PYTHONDEVMODE"}
        return {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "tests.settings_server",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "NITRO_TEST_DATABASE": json.dumps(self.settings),
            **more,
        }

    def migrate(self, **environment: str) -> None:
        """Run ``migrate`` on this database (with *environment* added to the process's)."""
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=self.environment(**environment),
            check=True,
            capture_output=True,
            timeout=300,
        )

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Run *sql* (``?`` placeholders) in a transaction of its own; return its rows."""
        if self.vendor == "sqlite":
            import sqlite3

            # As a context manager a sqlite3 connection commits; closing is left to us.
            connection = sqlite3.connect(self.settings["NAME"], timeout=30)
            with contextlib.closing(connection), connection:
                return connection.execute(sql, params).fetchall()
        with psycopg.connect(
            dbname=self.name,
            host=self.server["HOST"],
            port=self.server["PORT"],
            user=self.server["USER"],
            autocommit=True,
        ) as postgres:
            cursor = postgres.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall() if cursor.description else []

    def connections(self) -> int:
        """How many connections the servers hold to this PostgreSQL database."""
        with self._admin() as admin:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> "
                "pg_backend_pid()",
                (self.name,),
            ).fetchone()
        return int(row[0]) if row else 0

    def drop(self) -> None:
        if self.vendor == "sqlite":
            self.directory.cleanup()
            return
        with self._admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """The test project served by *kind* on *database* until the block ends."""

    def __init__(
        self,
        kind: Kind,
        database: ServerDatabase,
        *,
        workers: int = 2,
        threads: int = 8,
        heartbeat: float = 15,
        broker: str = "memory",
        port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.database = database
        # NITRO_DISPATCH["BROKER"] of the server (see tests/settings_server.py).
        self.broker = broker
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        address = f"127.0.0.1:{self.port}"
        if kind == "uvicorn":
            command = ["uvicorn", "tests.asgi:application", "--host", "127.0.0.1"]
            command += ["--port", str(self.port), "--workers", str(workers), "--no-access-log"]
        else:
            worker_class = kind.removeprefix("gunicorn-")
            command = ["gunicorn", "tests.wsgi:application", "--bind", address]
            command += ["--workers", str(workers), "--worker-class", worker_class]
            # More than one thread would turn sync workers into gthread ones.
            command += ["--threads", str(threads if worker_class == "gthread" else 1)]
            command += ["--timeout", "120", "--graceful-timeout", "5"]
        self.command = [sys.executable, "-m", *command]
        self.env = database.environment(
            NITRO_TEST_HEARTBEAT=str(heartbeat), NITRO_TEST_BROKER=broker, **(env or {})
        )
        # A file, not a pipe: a server that logs much never waits for the test to read.
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by __exit__
        self._start()

    def _start(self) -> None:
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,  # its workers go with it
        )

    def _wait_until_serving(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.request("GET", "/csrf/")[0] == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__(None, None, None)
                raise RuntimeError(f"{self.kind} did not start:\n{self.errors}")
            time.sleep(0.1)

    def _stop(self) -> None:
        # The server's process group is its pid (start_new_session): still there after the
        # server itself has exited, as long as a worker of it lives.
        group = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(15)
        with contextlib.suppress(ProcessLookupError):  # workers a graceful stop left behind
            os.killpg(group, signal.SIGKILL)
        self.process.wait()

    def restart(self) -> None:
        """Stop the server as a deployment does (SIGTERM: the requests under way are answered),
        then start it again on the same port; return once it serves again. The log goes on."""
        self._stop()
        self._start()
        self._wait_until_serving()

    def __enter__(self) -> Self:
        self._wait_until_serving()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.log.closed:
            return  # stopped already (it did not start)
        self._stop()
        self.log.seek(0)
        self.errors = self.log.read()
        self.log.close()

    def log_text(self) -> str:
        """What the server has logged so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def pids(self) -> list[int]:
        """The server's process and its workers'."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def threads(self) -> int:
        """How many threads the server's processes run."""
        total = 0
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status")
            found = re.search(r"^Threads:\s+(\d+)", status.read_text(), re.M)
            total += int(found.group(1)) if found else 0
        return total

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        """Send one request on a connection of its own; return the status and the body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body, headers or {})
            response = connection.getresponse()
            return response.status, response.read().decode()
        finally:
            connection.close()

    def csrf_headers(self) -> dict[str, str]:
        """Headers that pass Django's CSRF check on this server."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("GET", "/csrf/")
            response = connection.getresponse()
            token = json.loads(response.read())["token"]
            cookie = response.getheader("Set-Cookie", "").split(";")[0]
        finally:
            connection.close()
        return {"Cookie": cookie, "X-CSRFToken": token}


class ServedTestCase(SimpleTestCase):
    """Tests of one server of *kind* started for the class, on a database of its own."""

    kind: ClassVar[Kind]
    workers: ClassVar[int] = 2
    threads: ClassVar[int] = 8
    heartbeat: ClassVar[float] = 15
    broker: ClassVar[str] = "memory"
    database: ClassVar[ServerDatabase]
    server: ClassVar[Server]

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.database = ServerDatabase()
        cls.addClassCleanup(cls.database.drop)
        cls.database.migrate()
        cls.server = Server(
            cls.kind, cls.database, workers=cls.workers, threads=cls.threads,
            heartbeat=cls.heartbeat, broker=cls.broker,
        ).__enter__()  # fmt: skip
        cls.addClassCleanup(cls.server.__exit__, None, None, None)

    def new_counter(self) -> int:
        """Insert a Counter row with value 0; return its id."""
        (row,) = self.database.query("INSERT INTO counter (value) VALUES (0) RETURNING id")
        return int(row[0])
