"""Actions written the plain way (read the entity, change it, save()) under many concurrent
users, through real servers with several worker processes: nothing is lost, nothing deleted
comes back, and no request fails."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.servers import ServedTestCase

pytestmark = pytest.mark.slow  # real servers

CLIENTS = 16


class ConcurrencyTestCase(ServedTestCase):
    def send_all(self, requests: list[tuple[str, str]]) -> list[int]:
        """Send every (method, path) from CLIENTS threads at once; return their statuses."""
        headers = self.server.csrf_headers()

        def send(request: tuple[str, str]) -> int:
            return self.server.request(*request, headers=headers)[0]

        with ThreadPoolExecutor(CLIENTS) as clients:
            return list(clients.map(send, requests))


class PlainUpdateTests:
    """Mixed into a ServedTestCase per server kind."""

    def test_no_update_is_lost(self: ConcurrencyTestCase) -> None:  # type: ignore[misc]
        counter = self.new_counter()
        statuses = self.send_all([("POST", f"/api/counters/{counter}/bump")] * 240)
        (value,) = self.database.query("SELECT value FROM counter WHERE id = ?", counter)
        assert (sorted(set(statuses)), value[0]) == ([200], 240)


class GthreadTests(PlainUpdateTests, ConcurrencyTestCase):
    kind = "gunicorn-gthread"

    def test_deleted_rows_never_come_back(self):
        counters = [self.new_counter() for _ in range(15)]
        requests = [
            request
            for counter in counters
            for request in [("DELETE", f"/api/counters/{counter}/discard")]
            + [("POST", f"/api/counters/{counter}/bump")] * 5
        ]
        random.Random(9).shuffle(requests)
        statuses = self.send_all(requests)
        deleted = {
            int(path.split("/")[3])
            for (method, path), status in zip(requests, statuses, strict=True)
            if method == "DELETE" and status == 204
        }
        left = self.database.query(
            f"SELECT id FROM counter WHERE id IN ({', '.join('?' * len(counters))})", *counters
        )
        assert (sorted(set(statuses) - {200, 404}), deleted, left) == ([204], set(counters), [])


class SyncWorkerTests(PlainUpdateTests, ConcurrencyTestCase):
    kind = "gunicorn-sync"


class UvicornTests(PlainUpdateTests, ConcurrencyTestCase):
    kind = "uvicorn"
