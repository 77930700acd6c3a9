"""200 concurrent increments of one counter through a real HTTP server lose nothing."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie

from django.test import LiveServerTestCase

from tests.todos.entities import Counter

REQUESTS = 200
THREADS = 16


class ConcurrentIncrementTests(LiveServerTestCase):
    def csrf(self) -> tuple[str, str]:
        with urllib.request.urlopen(f"{self.live_server_url}/csrf/", timeout=30) as response:
            cookie = SimpleCookie(response.headers["Set-Cookie"])["csrftoken"].value
            return cookie, json.loads(response.read())["token"]

    def test_no_increment_is_lost(self):
        counter = Counter.create(value=0)
        cookie, token = self.csrf()
        url = f"{self.live_server_url}/api/counters/{counter.id}/increment"

        def increment(_: int) -> int:
            request = urllib.request.Request(
                url,
                method="POST",
                headers={"Cookie": f"csrftoken={cookie}", "X-CSRFToken": token},
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                return int(response.status)

        with ThreadPoolExecutor(THREADS) as pool:
            statuses = list(pool.map(increment, range(REQUESTS)))
        assert (statuses.count(200), Counter.get(counter.id).value) == (REQUESTS, REQUESTS)  # type: ignore[union-attr]
