"""16 concurrent writers to one row, through a real server on PostgreSQL: the plain way of
writing an action (read the entity, add one, save()) against the change written as SQL
(``UPDATE counter SET value = value + 1``).

    python3 scripts/bench.py concurrent_writers

The server is gunicorn (2 workers x 8 threads) serving the test project (tests/servers.py) on a
PostgreSQL database made for the run (POSTGRES_HOST, POSTGRES_PORT, POSTGRES_USER; 127.0.0.1,
5432, postgres by default). Each sample is a burst of 16 clients sending 10 requests each to one
counter; the time is per request. Both must lose nothing: the counter is checked after each burst.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from bench._harness import POSTGRES, postgres_unreachable, report, time_variants
from tests.servers import Server, ServerDatabase

CLIENTS = 16
PER_CLIENT = 10


def main() -> bool:
    if (unreachable := postgres_unreachable()) is not None:
        print(f"\nconcurrent_writers: skipped, PostgreSQL is not reachable ({unreachable}).")
        return True
    database = ServerDatabase(POSTGRES)
    try:
        database.migrate()
        with Server("gunicorn-gthread", database, workers=2, threads=8) as server:
            return _measure(server, database)
    finally:
        database.drop()


def _measure(server: Server, database: ServerDatabase) -> bool:
    (row,) = database.query("INSERT INTO counter (value) VALUES (0) RETURNING id")
    counter = row[0]
    headers = server.csrf_headers()
    sent = 0
    failures: list[str] = []

    def burst(action: str) -> Callable[[], object]:
        def send(_: int) -> None:
            for _ in range(PER_CLIENT):
                status, body = server.request(
                    "POST", f"/api/counters/{counter}/{action}", headers=headers
                )
                if status != 200:
                    failures.append(f"{action}: {status} {body[:200]}")

        def run() -> None:
            nonlocal sent
            with ThreadPoolExecutor(CLIENTS) as clients:
                list(clients.map(send, range(CLIENTS)))
            sent += CLIENTS * PER_CLIENT

        return run

    cases = {
        "plain: read, value + 1, save()": burst("bump"),
        "SQL: UPDATE ... SET value = value + 1": burst("increment"),
    }
    samples = time_variants(cases)
    (stored,) = database.query("SELECT value FROM counter WHERE id = ?", counter)
    per_request = {name: [seconds / (CLIENTS * PER_CLIENT) for seconds in values]
                   for name, values in samples.items()}  # fmt: skip
    ok = report(
        f"{CLIENTS} clients writing one row through gunicorn on PostgreSQL (time per request)",
        per_request,
        baseline=next(iter(cases)),
        bars=[],
    )
    lost = sent - stored[0]
    print(f"requests: {sent}, failed: {len(failures)}, updates lost: {lost}")
    for failure in failures[:5]:
        print(f"  {failure}")
    return ok and not failures and lost == 0


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
