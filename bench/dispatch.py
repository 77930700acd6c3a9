"""The dispatcher's overhead: an action returning a fragment against a hand-written view.

    python3 scripts/bench.py dispatch

Both toggle an entity inside transaction.atomic(), render the same component and answer a
Datastar request with the same SSE event, through the same middleware stack (sessions, CSRF,
auth, messages) and Django's test client.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench._harness import Bar, report, setup_django, time_variants

DATASTAR = {"Datastar-Request": "true"}
# What the Datastar client sends with a POST: every signal of the page, as a JSON body.
SIGNALS = '{"filter":"all","draft":"","editing":null}'


def main() -> bool:
    setup_django()
    from django.test import Client

    from bench.entities import BenchTodo

    todo = BenchTodo.create(title="Benchmark <me>")
    client = Client()
    action_url = f"/api/benchtodo/{todo.id}/toggle"
    view_url = f"/view/{todo.id}/toggle"

    def post(url: str) -> bytes:
        response = client.post(url, SIGNALS, content_type="application/json", headers=DATASTAR)
        return response.content

    first = post(action_url)
    second = post(view_url)
    if first.replace(b' class="done"', b"") != second.replace(b' class="done"', b""):
        sys.exit(f"The action and the view answer differently:\n{first!r}\n{second!r}")
    cases: dict[str, Callable[[], object]] = {
        "hand-written Django view": lambda: post(view_url),
        "@action through DjangoDispatcher": lambda: post(action_url),
    }
    names = list(cases)
    return report(
        "A Datastar request that toggles an entity and patches its fragment",
        time_variants(cases),
        baseline=names[0],
        bars=[Bar(names[1], names[0], "<=", 1.15)],
    )


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
