"""Async actions call the entity API straight from their coroutine, as Nitro's examples do, in
the action's transaction, under WSGI and ASGI, on an event loop of their own."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Mapping
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from django.core.exceptions import SynchronousOnlyOperation
from django.core.handlers.asgi import ASGIHandler
from django.test import Client, TestCase, TransactionTestCase
from django.urls import reverse

from tests.async_app import entities
from tests.async_app.entities import Tally

DS = {"Datastar-Request": "true"}


def error_status(content: bytes) -> int:
    """The status_code of the _nitroError signal a failed Datastar request got."""
    event, _, data = content.partition(b"data: signals ")
    assert event == b"event: datastar-patch-signals\n"
    return int(json.loads(data)["_nitroError"]["status_code"])


def url(name: str, tally: Tally | None = None) -> str:
    return reverse(f"nitro:tally-{name}", kwargs={"id": tally.id} if tally else None)


def total(tally: Tally) -> int:
    return Tally.get(tally.id).total  # type: ignore[union-attr]


class WsgiTests(TestCase):
    def test_reads_changes_and_saves(self):
        tally = Tally.create(label="a", total=4)
        response = self.client.post(url("bump", tally))
        assert (response.status_code, response.json(), total(tally)) == (200, {"count": 5}, 5)

    def test_failure_after_a_write_rolls_it_back(self):
        tally = Tally.create(label="a")
        entities.WRITTEN.clear()
        response = self.client.post(url("bump_then_fail", tally), headers=DS)
        assert (response.status_code, error_status(response.content)) == (200, 500)
        assert (entities.WRITTEN, total(tally)) == ([1], 0)

    def test_failure_without_datastar_is_a_500(self):
        tally = Tally.create(label="a")
        entities.WRITTEN.clear()
        response = Client(raise_request_exception=False).post(url("bump_then_fail", tally))
        assert (response.status_code, entities.WRITTEN, total(tally)) == (500, [1], 0)

    def test_class_action_creates_and_reads(self):
        Tally.create(label="a")
        answer = self.client.post(url("add"), {"label": "b"}).json()
        assert (answer["labels"], Tally.get(answer["id"]).label) == (["a", "b"], "b")  # type: ignore[union-attr]

    def test_sync_to_async_still_works(self):
        tally = Tally.create(label="a")
        response = self.client.post(url("bump_in_a_thread", tally))
        assert (response.json(), total(tally)) == ({"count": 1}, 1)

    def test_direct_calls_threads_and_the_django_orm_share_one_transaction(self):
        tally = Tally.create(label="a")
        response = self.client.post(url("bump_both_ways", tally))
        assert response.json() == {"counted": 1, "groups": 1}

    def test_failure_rolls_back_direct_calls_and_the_django_orm(self):
        tally = Tally.create(label="a")
        entities.WRITTEN.clear()
        self.client.post(url("fail_both_ways", tally), headers=DS)
        groups = Group.objects.filter(name=f"failed {tally.id}").count()
        assert (entities.WRITTEN, total(tally), groups) == ([(1, 1)], 0, 0)

    def test_atomic_update_through_a_session(self):
        tally = Tally.create(label="a", total=2)
        assert self.client.post(url("increment", tally)).json() == {"count": 3}

    def test_concurrent_tasks_of_one_action_call_the_entity_api(self):
        Tally.create(label="a")
        assert self.client.get(url("gathered")).json() == {"counts": [1, 0, 0]}

    def test_coroutine_runs_on_a_loop_in_a_thread_of_its_own(self):
        response = self.client.get(url("nap"), {"seconds": 0})
        assert response.json()["thread"] != threading.current_thread().name


class EventsFromAsyncActionsTests(TestCase):
    def setUp(self) -> None:
        entities.HEARD.clear()

    def test_emit_async_gives_what_the_handlers_returned(self):
        # Nitro's counter example: save, then await emit_async(..., sender=self).
        tally = Tally.create(label="a")
        response = self.client.post(url("announce", tally))
        assert response.json() == {"results": [["async"], ["sync"]]}

    def test_sync_handler_under_emit_async_reads_the_actions_write(self):
        # It runs in the thread holding the action's transaction (sync_to_async).
        tally = Tally.create(label="a")
        self.client.post(url("announce", tally))
        assert ("sync", tally.id, {"by": 1}, 1) in entities.HEARD

    def test_async_handlers_emit_started_end_before_the_response(self):
        tally = Tally.create(label="a")
        self.client.post(url("announce_in_sync", tally))
        # The sync handler is called in place, the async one once the coroutine has returned.
        heard = entities.HEARD
        assert heard == [("sync", tally.id, {"by": 2}, 0), ("async", tally.id, {"by": 2})]


class AsgiTests(TestCase):
    async def test_reads_changes_and_saves(self):
        tally = await sync_to_async(Tally.create)(label="a", total=1)
        response = await self.async_client.post(url("bump", tally))
        assert (response.json(), await sync_to_async(total)(tally)) == ({"count": 2}, 2)

    async def test_failure_after_a_write_rolls_it_back(self):
        tally = await sync_to_async(Tally.create)(label="a")
        entities.WRITTEN.clear()
        response = await self.async_client.post(url("bump_then_fail", tally), headers=DS)
        assert error_status(response.content) == 500
        assert (entities.WRITTEN, await sync_to_async(total)(tally)) == ([1], 0)

    async def test_coroutine_does_not_run_on_the_servers_loop(self):
        entities.LOOPS.clear()
        await self.async_client.get(url("wait"), {"seconds": 0})
        (loop,) = entities.LOOPS
        assert loop is not asyncio.get_running_loop()

    async def test_entity_api_from_async_code_outside_an_action_names_sync_to_async(self):
        with pytest.raises(SynchronousOnlyOperation) as excinfo:
            Tally.count()
        assert str(excinfo.value) == (
            "The entity API is synchronous, and this thread runs an event loop. In async code, "
            "call it through asgiref's sync_to_async: `await sync_to_async(Todo.get)(id)`. An "
            "async @action may call it directly (not an async generator action: its stream "
            "runs after the action has returned)."
        )


async def call_asgi(path: str, query: str = "") -> tuple[bytes, float]:
    """GET *path* from Django's ASGI handler as an ASGI server calls it; return the body and
    when it ended (time.monotonic())."""
    body = b""
    messages = [{"type": "http.request", "body": b""}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client stays
        raise AssertionError("unreachable")

    async def send(message: Mapping[str, Any]) -> None:
        nonlocal body
        body += message.get("body", b"")

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver")],
    }
    await asyncio.wait_for(ASGIHandler()(scope, receive, send), 10)
    return body, time.monotonic()


class AsgiConcurrencyTests(TransactionTestCase):
    """Each request has its own connection here, as under a server."""

    def test_actions_blocking_their_loops_leave_the_servers_free(self):
        # (The test settings make SQLite's transactions take the write lock: the naps may run
        # one after the other. They run at once under the servers: see test_async_servers.)
        async def serve() -> tuple[list[bytes], bool]:
            started = time.monotonic()
            naps = [asyncio.ensure_future(call_asgi(url("nap"), "seconds=0.6")) for _ in range(3)]
            await asyncio.sleep(0.2)  # the naps are under way
            _, answered = await call_asgi(reverse("csrf"))
            bodies = [body for body, _ in await asyncio.gather(*naps)]
            return bodies, answered - started < 0.5

        bodies, answered_meanwhile = asyncio.run(serve())
        counts = [json.loads(body)["count"] for body in bodies]
        assert (counts, answered_meanwhile) == ([0, 0, 0], True)
