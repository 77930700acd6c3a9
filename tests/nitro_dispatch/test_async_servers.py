"""Async actions calling the entity API straight from their coroutine, under real servers:
in the action's transaction, and, under uvicorn, never on the server's event loop."""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import ServedTestCase

pytestmark = pytest.mark.slow  # real servers


class AsyncActionServerTestCase(ServedTestCase):
    def new_tally(self) -> int:
        (row,) = self.database.query(
            "INSERT INTO tally (label, total) VALUES ('served', 0) RETURNING id"
        )
        return int(row[0])

    def total(self, tally: int) -> int:
        ((value,),) = self.database.query("SELECT total FROM tally WHERE id = ?", tally)
        return int(value)


class AsyncActionContract:
    """Mixed into an AsyncActionServerTestCase per server kind."""

    def test_reads_changes_and_saves(self: AsyncActionServerTestCase) -> None:  # type: ignore[misc]
        tally = self.new_tally()
        headers = self.server.csrf_headers()
        status, body = self.server.request("POST", f"/api/tally/{tally}/bump", headers=headers)
        assert (status, json.loads(body), self.total(tally)) == (200, {"count": 1}, 1)

    def test_failure_after_a_write_rolls_it_back(self: AsyncActionServerTestCase) -> None:  # type: ignore[misc]
        tally = self.new_tally()
        headers = self.server.csrf_headers()
        status, _ = self.server.request(
            "POST", f"/api/tally/{tally}/bump_then_fail", headers=headers
        )
        # The action wrote, then failed: the server logged what it had read back.
        written = "RuntimeError: the async action failed after writing total=1" in (
            self.server.log_text()
        )
        assert (status, written, self.total(tally)) == (500, True, 0)

    def test_no_concurrent_update_is_lost(self: AsyncActionServerTestCase) -> None:  # type: ignore[misc]
        tally = self.new_tally()
        headers = self.server.csrf_headers()

        def bump(_: int) -> int:
            return self.server.request("POST", f"/api/tally/{tally}/bump", headers=headers)[0]

        with ThreadPoolExecutor(8) as clients:
            statuses = list(clients.map(bump, range(40)))
        assert (sorted(set(statuses)), self.total(tally)) == ([200], 40)


class UvicornTests(AsyncActionContract, AsyncActionServerTestCase):
    kind = "uvicorn"
    workers = 1

    def test_actions_blocking_their_loops_neither_block_each_other_nor_the_server(self):
        # Each nap blocks the loop it runs on for a second, as a slow sync database call does.
        def nap(_: int) -> tuple[int, float]:
            status = self.server.request("GET", "/api/tally/nap?seconds=1")[0]
            return status, time.monotonic()

        started = time.monotonic()
        with ThreadPoolExecutor(4) as clients:
            futures = [clients.submit(nap, n) for n in range(3)]
            time.sleep(0.3)  # the naps are under way
            csrf_status = self.server.request("GET", "/csrf/")[0]
            answered = time.monotonic() - started
            naps = [future.result(30) for future in futures]
        statuses = [status for status, _ in naps]
        slowest = max(ended for _, ended in naps) - started
        assert (statuses, csrf_status, answered < 0.8, slowest < 1.9) == (
            [200, 200, 200],
            200,
            True,
            True,
        )


class GunicornSyncTests(AsyncActionContract, AsyncActionServerTestCase):
    kind = "gunicorn-sync"


class GthreadTests(AsyncActionContract, AsyncActionServerTestCase):
    kind = "gunicorn-gthread"
