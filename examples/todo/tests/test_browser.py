"""The example, tried as a user would: headless Chromium against a live server.

Needs Debian's Chromium (apt install chromium; or CHROMIUM=/path/to/chromium) and the
Datastar 1.0.1 client, which is taken from the starhtml wheel on PyPI at test time (npm has no
1.0 build, and no CDN is used). Without them the test is skipped with a message saying so.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, ClassVar

import django
import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import SimpleTestCase, override_settings

# Playwright's sync API runs an event loop in this thread; the test's own database checks
# are plain synchronous calls between its steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS", Path(__file__).resolve().parents[3] / "test-artifacts")
)
CACHE = Path(__file__).resolve().parents[3] / ".cache"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

HAS_PLAYWRIGHT = importlib.util.find_spec("playwright") is not None


def datastar_client() -> bytes:
    """The Datastar 1.0.1 build shipped in starhtml 0.7.0 (a wheel for Python 3.12+)."""
    wheels = CACHE / "starhtml"
    if not list(wheels.glob("starhtml-0.7.0-*.whl")):
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--python-version", "3.12", "--dest", str(wheels),
             "starhtml==0.7.0"],
            check=True, timeout=300,
        )  # fmt: skip
    [wheel] = wheels.glob("starhtml-0.7.0-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return archive.read("starhtml/static/js/datastar-core.js")


def postgres_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=3).close()
    except OSError:
        return False
    return True


def skip_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return (
            f"Chromium not found at {CHROMIUM}: apt install chromium (or set CHROMIUM) to run it."
        )
    if os.environ.get("EXAMPLE_DATABASE") == "postgres" and not postgres_reachable():
        return "PostgreSQL is not reachable at 127.0.0.1:5432; start it (.ci/run does) to run it."
    if not HAS_PLAYWRIGHT:
        return "Playwright is not installed: pip install playwright (the browser extra)."
    return None


@pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")
class TodoBrowserTests(StaticLiveServerTestCase):
    static: ClassVar[tempfile.TemporaryDirectory[str]]
    overrides: ClassVar[override_settings]
    playwright: ClassVar[Any]
    browser: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        try:
            client = datastar_client()
        except (subprocess.SubprocessError, OSError, KeyError) as exc:
            if os.environ.get("CI"):  # CI reaches the registry: a failure here is a failure
                raise
            raise pytest.skip.Exception(f"Could not get the Datastar 1.0.1 client: {exc}") from exc
        cls.static = tempfile.TemporaryDirectory()
        Path(cls.static.name, "datastar.js").write_bytes(client)
        cls.overrides = override_settings(
            STATICFILES_DIRS=[cls.static.name],
            RUSTYTAGS={"DATASTAR_URL": "/static/datastar.js"},
            # A stream whose page has closed ends at its next heartbeat: soon, in the tests.
            NITRO_DISPATCH={"HEARTBEAT": 0.5},
        )
        cls.overrides.enable()
        super().setUpClass()
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()
        cls.overrides.disable()
        cls.static.cleanup()

    def setUp(self) -> None:
        from django.contrib.auth.models import User

        User.objects.create_superuser("admin", password="admin")
        self.context = self.browser.new_context()
        self.others: list[Any] = []
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.expected_failures: set[str] = set()
        self.page.on("console", self.check_console)
        self.page.on("pageerror", self.check_page_error)
        self.page.on("response", self.check_response)

    def check_console(self, message: Any) -> None:
        # The browser logs a failed request too: those the test provokes are expected.
        expected = any(text in message.text for text in self.expected_failures)
        if message.type == "error" and not expected:
            self.problems.append(f"console: {message.text}")

    def check_page_error(self, error: Any) -> None:
        self.problems.append(f"page error: {error}")

    def check_response(self, response: Any) -> None:
        if response.status >= 400 and str(response.status) not in self.expected_failures:
            self.problems.append(f"{response.status} {response.request.method} {response.url}")

    def tearDown(self) -> None:
        import time

        from nitro_dispatch.live._hub import get_hub

        for context in [self.context, *self.others]:
            context.close()
        # The pages' streams end at their next heartbeat; the server's threads must be done
        # with the database before the class lets go of it.
        deadline = time.monotonic() + 10
        while get_hub().groups and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)

    def new_page(self) -> Any:
        """A page in a browser context of its own (another user), closed after the test."""
        context = self.browser.new_context()
        self.others.append(context)
        return context.new_page()

    def open(self, page: Any | None = None) -> Any:
        """Open the app in *page* (this test's page by default), checking its CSP."""
        page = page or self.page
        response = page.goto(self.live_server_url + "/")
        policy = response.headers.get("content-security-policy", "")
        if django.VERSION >= (6, 0):  # the example's policy; Django 5.2 has no CSP middleware
            assert "script-src 'self' 'nonce-" in policy and "'unsafe-inline'" not in policy
        return page

    def sign_in(self, page: Any) -> None:
        page.fill("#id_username", "admin")
        page.fill("#id_password", "admin")
        page.click("input[type=submit]")

    def add(self, title: str) -> None:
        self.page.fill("#new-todo", title)
        self.page.press("#new-todo", "Enter")

    def titles(self) -> Any:
        from playwright.sync_api import expect

        # The filter hides items in the page: the titles shown.
        return expect(self.page.locator("#todo-list li .title >> visible=true"))

    def test_a_user_manages_todos(self) -> None:
        from playwright.sync_api import expect
        from todos.entities import Todo

        page = self.open()
        for title in ("Buy milk", "Bake <bread>", "Call mum"):
            self.add(title)
            expect(page.locator("#messages")).to_contain_text(f"Added “{title}”.")
        self.titles().to_have_text(["Buy milk", "Bake <bread>", "Call mum"])
        expect(page.locator("#open")).to_have_text("3")
        assert [todo.title for todo in Todo.where(order_by="created")] == [
            "Buy milk", "Bake <bread>", "Call mum"
        ]  # fmt: skip

        page.get_by_label("Toggle Buy milk").check()
        expect(page.locator("#todo-list li.completed .title")).to_have_text(["Buy milk"])
        page.get_by_text("Call mum", exact=True).dblclick()
        page.get_by_label("Rename Call mum").press("Escape")  # cancels
        self.titles().to_have_text(["Buy milk", "Bake <bread>", "Call mum"])
        expect(page.locator("#open")).to_have_text("2")
        assert Todo.first(title="Buy milk").completed is True  # type: ignore[union-attr]

        page.get_by_text("Bake <bread>", exact=True).dblclick()  # edit in place
        edit = page.get_by_label("Rename Bake <bread>")
        expect(edit).to_be_focused()
        edit.fill("Bake rye bread")
        edit.press("Enter")
        expect(edit).to_be_hidden()
        self.titles().to_have_text(["Buy milk", "Bake rye bread", "Call mum"])
        assert Todo.exists(Todo.first(title="Bake rye bread").id)  # type: ignore[union-attr]

        page.click("#show-active")
        self.titles().to_have_text(["Bake rye bread", "Call mum"])
        page.click("#show-completed")
        self.titles().to_have_text(["Buy milk"])
        page.click("#show-all")
        self.titles().to_have_text(["Buy milk", "Bake rye bread", "Call mum"])

        page.get_by_text("Call mum", exact=True).hover()  # shows its delete button
        page.get_by_label("Delete Call mum").click()
        self.titles().to_have_text(["Buy milk", "Bake rye bread"])
        assert Todo.count() == 2

        # Clearing needs a signed-in user: the login page, then back to this page (not to the
        # action's URL), where clearing works.
        page.click("#clear")
        page.wait_for_url(f"{self.live_server_url}/admin/login/?next=/")
        self.sign_in(page)
        page.wait_for_url(f"{self.live_server_url}/")
        page.click("#clear")
        self.titles().to_have_text(["Bake rye bread"])
        expect(page.locator("#open")).to_have_text("1")
        assert [todo.title for todo in Todo.all()] == ["Bake rye bread"]

        self.add("   ")
        expect(page.locator("#error")).to_have_text("Invalid parameters.")

        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "todo.png"), full_page=True)
        assert self.problems == []

    def test_two_pages_see_each_others_changes_at_once(self) -> None:
        from playwright.sync_api import expect

        first = self.open()
        second = self.open(self.new_page())
        self.add("From the first page")
        expect(second.locator("#todo-list li .title")).to_have_text(["From the first page"])
        second.get_by_label("Toggle From the first page").check()
        expect(first.locator("#todo-list li.completed .title")).to_have_text(
            ["From the first page"]
        )
        expect(first.locator("#open")).to_have_text("0")
        assert self.problems == []

    def test_the_live_stream_reaches_the_browser_gzipped_event_by_event(self) -> None:
        from playwright.sync_api import expect

        encodings: list[str | None] = []

        def record(response: Any) -> None:
            if response.headers.get("content-type", "").startswith("text/event-stream"):
                encodings.append(response.headers.get("content-encoding"))

        self.page.on("response", record)
        first = self.open()
        second = self.open(self.new_page())
        for title in ("Sent gzipped", "Against the last one"):
            second.fill("#new-todo", title)
            second.press("#new-todo", "Enter")
            expect(first.locator("#todo-list li .title").last).to_have_text(title)
        assert (encodings, self.problems) == (["gzip"], [])

    def test_a_change_in_the_admin_appears_on_the_open_pages(self) -> None:
        from playwright.sync_api import expect
        from todos.entities import Todo

        todo = Todo.create(title="Water the plants")
        pages = [self.open(), self.open(self.new_page())]
        for page in pages:
            expect(page.locator("#todo-list li .title")).to_have_text(["Water the plants"])
        admin = self.new_page()
        admin.goto(f"{self.live_server_url}/admin/nitro_dispatch/todo/{todo.id}/change/")
        self.sign_in(admin)
        admin.fill("#id_title", "Water the garden")
        admin.click("input[name=_save]")
        for page in pages:
            expect(page.locator("#todo-list li .title")).to_have_text(["Water the garden"])
        assert self.problems == []

    def sign_in_elsewhere(self) -> None:
        """Sign in from another tab of the same browser, which rotates the CSRF token."""
        other = self.context.new_page()
        other.goto(self.live_server_url + "/admin/login/?next=/admin/")
        self.sign_in(other)
        other.wait_for_url(f"{self.live_server_url}/admin/")
        other.close()

    def test_a_sign_in_in_another_tab_does_not_break_this_one(self) -> None:
        from playwright.sync_api import expect

        page = self.open()
        self.sign_in_elsewhere()
        self.add("Still works")
        expect(page.locator("#messages")).to_contain_text("Added “Still works”.")
        assert self.problems == []

    @override_settings(CSRF_COOKIE_HTTPONLY=True)
    def test_a_rotated_token_the_page_cannot_read_says_to_reload(self) -> None:
        from playwright.sync_api import expect

        self.expected_failures = {"403"}
        page = self.open()
        self.sign_in_elsewhere()
        self.add("Refused")
        expect(page.locator("#error")).to_have_text(
            "The server refused this request. If you signed in or out in another tab, reload "
            "the page and try again."
        )
        page.reload()
        self.add("After reloading")
        expect(page.locator("#messages")).to_contain_text("Added “After reloading”.")
        expect(page.locator("#error")).to_be_hidden()
        assert self.problems == []

    def test_a_proxy_error_is_shown(self) -> None:
        from playwright.sync_api import expect

        self.expected_failures = {"502"}
        page = self.open()
        page.route("**/api/todo/add", lambda route: route.fulfill(status=502, body="Bad Gateway"))
        self.add("Lost in the proxy")
        expect(page.locator("#error")).to_have_text(
            "The server could not answer (502). Try again in a moment."
        )
        assert self.problems == []

    def test_an_unreachable_server_is_shown(self) -> None:
        from playwright.sync_api import expect

        page = self.open()
        page.route("**/api/todo/add", lambda route: route.abort("connectionrefused"))
        self.expected_failures = {"ERR_CONNECTION_REFUSED", "Failed to fetch", "failed to reach"}
        self.add("Nowhere")
        expect(page.locator("#error")).to_have_text("The server cannot be reached. Retrying…")
        assert self.problems == []


EXAMPLE = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_reachable() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=3).close()
    except OSError:
        return False
    return True


class _Uvicorn:
    """The example served by uvicorn in a process of its own, as its docs say to run it."""

    def __init__(self, environment: dict[str, str]) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 - closed by stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "todo_project.asgi:application", "--host",
             "127.0.0.1", "--port", str(self.port), "--no-access-log"],
            cwd=EXAMPLE, env=environment, stdout=subprocess.DEVNULL, stderr=self.log,
            start_new_session=True,
        )  # fmt: skip
        import time
        import urllib.request

        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"uvicorn did not start:\n{self.errors}")
            time.sleep(0.2)

    def stop(self) -> None:
        import signal

        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.seek(0)
        self.errors = self.log.read()
        self.log.close()


class _LiveAcrossProcesses:
    """Two uvicorn processes of the example, sharing a broker: each page is served by one."""

    broker: ClassVar[str]
    static: ClassVar[tempfile.TemporaryDirectory[str]]
    environment: ClassVar[dict[str, str]]
    servers: ClassVar[list[_Uvicorn]]
    playwright: ClassVar[Any]
    browser: ClassVar[Any]

    @classmethod
    def setUpClass(cls) -> None:
        reason = skip_reason()
        if reason is not None:
            raise pytest.skip.Exception(reason)
        if os.environ.get("EXAMPLE_DATABASE") != "postgres":
            # Two servers and their databases for each broker: once per run is enough.
            raise pytest.skip.Exception("runs in the browser session on PostgreSQL")
        super().setUpClass()  # type: ignore[misc]
        cls.static = tempfile.TemporaryDirectory()
        Path(cls.static.name, "datastar.js").write_bytes(datastar_client())
        cls.environment = {
            **{key: value for key, value in os.environ.items() if key != "PYTHONDEVMODE"},
            "DJANGO_SETTINGS_MODULE": "todo_project.settings",
            "EXAMPLE_BROKER": cls.broker,
            "EXAMPLE_STATIC_DIR": cls.static.name,
            "EXAMPLE_DATASTAR_URL": "/static/datastar.js",
            **cls.database(),
        }
        cls.environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        for command in (["migrate", "--noinput", "--verbosity", "0"], ["demo_user"]):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=EXAMPLE, env=cls.environment, check=True, capture_output=True, timeout=300,
            )  # fmt: skip
        cls.servers = [_Uvicorn(cls.environment), _Uvicorn(cls.environment)]
        from playwright.sync_api import sync_playwright

        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        for server in cls.servers:
            server.stop()
        cls.drop_database()
        cls.static.cleanup()
        super().tearDownClass()  # type: ignore[misc]

    @classmethod
    def database(cls) -> dict[str, str]:
        raise NotImplementedError

    @classmethod
    def drop_database(cls) -> None:
        raise NotImplementedError

    def page_on(self, server: _Uvicorn) -> Any:
        page = self.browser.new_context().new_page()
        page.goto(server.url + "/")
        return page

    def test_a_change_on_one_process_appears_on_a_page_of_the_other(self) -> None:
        from playwright.sync_api import expect

        first, second = (self.page_on(server) for server in self.servers)
        title = f"Made on {self.servers[0].port}"
        first.fill("#new-todo", title)
        first.press("#new-todo", "Enter")
        expect(second.locator("#todo-list li .title", has_text=title)).to_have_count(1)
        second.get_by_label(f"Toggle {title}").check()
        expect(first.locator("#todo-list li.completed .title", has_text=title)).to_have_count(1)

    def test_a_change_in_the_admin_appears_on_the_pages_of_both_processes(self) -> None:
        from playwright.sync_api import expect

        first, second = (self.page_on(server) for server in self.servers)
        first.fill("#new-todo", "Edit me in the admin")
        first.press("#new-todo", "Enter")
        expect(second.locator("#todo-list li .title", has_text="Edit me")).to_have_count(1)
        admin = self.browser.new_context().new_page()
        admin.goto(f"{self.servers[1].url}/admin/nitro_dispatch/todo/?q=Edit+me")
        admin.fill("#id_username", "admin")
        admin.fill("#id_password", "admin")
        admin.click("input[type=submit]")
        admin.get_by_role("link", name="Edit me in the admin").click()
        admin.fill("#id_title", "Edited in the admin")
        admin.click("input[name=_save]")
        for page in (first, second):
            expect(
                page.locator("#todo-list li .title", has_text="Edited in the admin")
            ).to_have_count(1)


class LiveAcrossProcessesOnRedisTests(_LiveAcrossProcesses, SimpleTestCase):
    """The Redis broker, with the example on SQLite (one file, both processes)."""

    broker = "redis"
    directory: ClassVar[tempfile.TemporaryDirectory[str]]

    @classmethod
    def setUpClass(cls) -> None:
        if not _redis_reachable():
            raise pytest.skip.Exception("Redis is not reachable at 127.0.0.1:6379; start it.")
        super().setUpClass()

    @classmethod
    def database(cls) -> dict[str, str]:
        cls.directory = tempfile.TemporaryDirectory()
        return {"EXAMPLE_DATABASE": "sqlite", "EXAMPLE_SQLITE": f"{cls.directory.name}/db.sqlite3"}

    @classmethod
    def drop_database(cls) -> None:
        cls.directory.cleanup()


class LiveAcrossProcessesOnPostgresTests(_LiveAcrossProcesses, SimpleTestCase):
    """The PostgreSQL broker (LISTEN/NOTIFY), with the example on a PostgreSQL database."""

    broker = "postgres"
    name: ClassVar[str]

    @classmethod
    def setUpClass(cls) -> None:
        if not postgres_reachable():
            raise pytest.skip.Exception("PostgreSQL is not reachable at 127.0.0.1:5432.")
        super().setUpClass()

    @classmethod
    def _admin(cls) -> Any:
        import psycopg

        return psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres",
                               autocommit=True)  # fmt: skip

    @classmethod
    def database(cls) -> dict[str, str]:
        import uuid

        cls.name = f"todo_live_{uuid.uuid4().hex[:12]}"
        with cls._admin() as connection:
            connection.execute(f'CREATE DATABASE "{cls.name}"')
        return {"EXAMPLE_DATABASE": "postgres", "POSTGRES_DB": cls.name}

    @classmethod
    def drop_database(cls) -> None:
        with cls._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{cls.name}" WITH (FORCE)')
