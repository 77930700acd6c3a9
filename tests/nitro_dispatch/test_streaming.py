"""Generators stream their patches; async actions run in the transaction too."""

from __future__ import annotations

import asyncio
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any
from unittest import mock

import pytest
from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.conf import settings
from django.core.exceptions import SynchronousOnlyOperation
from django.core.handlers.asgi import ASGIHandler
from django.db import connection, connections, transaction
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from django.urls import reverse

from nitro_dispatch import signals, streams
from nitro_dispatch.responses import events as encode
from nitro_dispatch.streams import _async_events, _sync_events
from tests.nitro_dispatch.live_client import wait_until
from tests.todos.entities import Note, Todo

DS = {"Datastar-Request": "true"}


def ticks(count: int) -> list[bytes]:
    return [
        f'event: datastar-patch-signals\ndata: signals {{"tick":{n}}}\n\n'.encode()
        for n in range(count)
    ]


class SyncStreamTests(TestCase):
    def test_generator_streams_each_item(self):
        response = self.client.get(reverse("nitro:todo-stream"), headers=DS)
        chunks = [chunk.decode() for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert (response.streaming, response["Content-Type"], chunks) == (
            True,
            "text/event-stream",
            [f'event: datastar-patch-signals\ndata: signals {{"tick":{n}}}\n\n' for n in range(3)],
        )

    def test_stream_is_not_buffered_by_gzip(self):
        response = self.client.get(reverse("nitro:todo-stream"), headers=DS)
        assert response["Content-Encoding"] == "identity"

    def test_heartbeat_while_the_generator_waits(self):
        import threading

        release = threading.Event()

        def slow() -> Iterator[dict[str, bool]]:
            release.wait(5)
            yield {"done": True}

        events = _sync_events(slow(), encode, 0.01)
        first = next(events)
        release.set()
        assert (first, list(events)) == (
            ": ping\n\n",
            ['event: datastar-patch-signals\ndata: signals {"done":true}\n\n'],
        )

    def test_error_in_the_generator_reaches_the_response(self):
        def broken() -> Iterator[dict[str, int]]:
            yield {"a": 1}
            raise RuntimeError("stream broke")

        events = _sync_events(broken(), encode, 1)
        next(events)
        with pytest.raises(RuntimeError, match="stream broke"):
            next(events)

    def test_closing_the_response_stops_the_generator(self):
        closed = []

        def endless() -> Iterator[dict[str, int]]:
            try:
                while True:
                    yield {"tick": 1}
            finally:
                closed.append(True)

        events = _sync_events(endless(), encode, 1)
        next(events)
        events.close()  # type: ignore[attr-defined]
        import time

        for _ in range(100):
            if closed:
                break
            time.sleep(0.01)
        assert closed == [True]


class AsyncTests(TestCase):
    async def test_async_action(self):
        response = await self.async_client.get(reverse("nitro:todo-async_count"), headers=DS)
        assert response.content == b'event: datastar-patch-signals\ndata: signals {"open":0}\n\n'

    async def test_async_generator_streams(self):
        response = await self.async_client.get(reverse("nitro:todo-async_stream"), headers=DS)
        chunks = [chunk async for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert chunks == ticks(2)


class AsyncTransactionTests(TestCase):
    def test_async_action_persists(self):
        todo = Todo.create(title="old")
        response = self.client.post(
            reverse("nitro:todo-async_rename", kwargs={"id": todo.id}), {"title": "new"}
        )
        assert (response.status_code, Todo.get(todo.id).title) == (200, "new")  # type: ignore[union-attr]

    def test_async_action_failure_rolls_back(self):
        todo = Todo.create(title="old")
        response = self.client.post(
            reverse("nitro:todo-async_fail", kwargs={"id": todo.id}), headers=DS
        )
        assert (response.status_code, Todo.get(todo.id).title) == (200, "old")  # type: ignore[union-attr]


class AsyncGeneratorEntityCallTests(TestCase):
    """A stream runs after its action has returned, outside its transaction and, under ASGI,
    on the server's event loop: its entity calls go through sync_to_async."""

    refused = (
        "The entity API is synchronous, and this thread runs an event loop. In async code, call "
        "it through asgiref's sync_to_async: `await sync_to_async(Todo.get)(id)`. An async "
        "@action may call it directly (not an async generator action: its stream runs after "
        "the action has returned)."
    )

    def test_direct_call_under_wsgi_says_to_use_sync_to_async(self):
        response = self.client.get(reverse("nitro:tally-stream_directly"), headers=DS)
        with pytest.raises(SynchronousOnlyOperation) as excinfo:
            list(response.streaming_content)  # type: ignore[attr-defined]
        assert str(excinfo.value) == self.refused

    async def test_direct_call_under_asgi_says_to_use_sync_to_async(self):
        response = await self.async_client.get(reverse("nitro:tally-stream_directly"), headers=DS)
        with pytest.raises(SynchronousOnlyOperation) as excinfo:
            [chunk async for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert str(excinfo.value) == self.refused

    async def test_call_through_sync_to_async_under_asgi(self):
        response = await self.async_client.get(
            reverse("nitro:tally-stream_through_a_thread"), headers=DS
        )
        chunks = [chunk async for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert chunks == [b'event: datastar-patch-signals\ndata: signals {"count":0}\n\n']


async def _slow_numbers() -> AsyncIterator[dict[str, int]]:
    import asyncio

    await asyncio.sleep(0.05)
    yield {"n": 1}


class AsyncHeartbeatTests(TestCase):
    async def test_heartbeat_while_the_async_generator_waits(self):
        events = [event async for event in _async_events(_slow_numbers(), encode, 0.01)]
        assert (events[0], events[-1]) == (
            ": ping\n\n",
            'event: datastar-patch-signals\ndata: signals {"n":1}\n\n',
        )


@override_settings(NITRO_DISPATCH={"HEARTBEAT": 0.5})
class HeartbeatSettingTests(TestCase):
    def test_heartbeat_comes_from_the_setting(self):
        with mock.patch("nitro_dispatch.streams._sync_events", wraps=_sync_events) as events:
            response = self.client.get(reverse("nitro:todo-stream"), headers=DS)
            list(response.streaming_content)  # type: ignore[attr-defined]
        assert events.call_args.args[2] == 0.5


class StreamEdgeTests(TestCase):
    def test_iterator_without_close(self):
        assert list(_sync_events(iter([{"a": 1}]), encode, 1)) == [
            'event: datastar-patch-signals\ndata: signals {"a":1}\n\n'
        ]

    def test_slow_reader_gets_every_item(self):
        import time

        events = _sync_events(({"n": n} for n in range(3)), encode, 5)
        first = next(events)
        time.sleep(0.3)  # the producer waits on the full queue meanwhile
        assert [first, *events] == [
            f'event: datastar-patch-signals\ndata: signals {{"n":{n}}}\n\n' for n in range(3)
        ]

    async def test_closing_an_async_stream_cancels_the_pending_item(self):
        events = _async_events(_slow_numbers(), encode, 0.01)
        assert await anext(events) == ": ping\n\n"
        await events.aclose()  # type: ignore[attr-defined]


class PlainPassThroughTests(TestCase):
    def test_http_response_from_an_action_is_returned_as_is(self):
        response = self.client.get(reverse("nitro:todo-django_redirect"))
        assert (response.status_code, response["Location"]) == (302, "/elsewhere/")


@override_settings(
    MIDDLEWARE=[
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
    ]
)
class NoAuthMiddlewareTests(TestCase):
    def test_login_required_without_auth_middleware_says_what_to_add(self):
        from django.core.exceptions import ImproperlyConfigured

        todo = Todo.create(title="t")
        with pytest.raises(ImproperlyConfigured) as excinfo:
            self.client.post(reverse("nitro:todo-private", kwargs={"id": todo.id}))
        assert str(excinfo.value) == (
            "tests.todos.entities.Todo.private uses login_required or permission, which need "
            "django.contrib.auth.middleware.AuthenticationMiddleware in MIDDLEWARE."
        )


@override_settings(MIDDLEWARE=["django.middleware.gzip.GZipMiddleware", *settings.MIDDLEWARE])
class GzipTests(TestCase):
    def test_gzip_middleware_leaves_streams_alone(self):
        response = self.client.get(reverse("nitro:todo-stream"), headers=DS)
        chunks = [chunk.decode() for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert (response["Content-Encoding"], len(chunks)) == ("identity", 3)

    def test_a_stream_is_gzipped_event_by_event_for_a_client_accepting_gzip(self):
        response = self.client.get(
            reverse("nitro:todo-stream"), headers={**DS, "Accept-Encoding": "gzip;q=1, br;q=0"}
        )
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        # Each chunk decodes on its own into a whole event: nothing waits for the next.
        events = [decoder.decompress(chunk).decode() for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert (response["Content-Encoding"], response["Vary"], events[:3], decoder.eof) == (
            "gzip",
            "Datastar-Request, Accept-Encoding",
            [encode(signals(tick=n)) for n in range(3)],
            True,
        )

    @override_settings(NITRO_DISPATCH={"COMPRESS_STREAMS": False})
    def test_compression_can_be_turned_off(self):
        response = self.client.get(
            reverse("nitro:todo-stream"), headers={**DS, "Accept-Encoding": "gzip"}
        )
        assert response["Content-Encoding"] == "identity"


def wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> bool:
    return wait_until(condition, seconds)


class SyncStreamConnectionTests(TransactionTestCase):
    """A stream gives back the database connections it does not use while it waits."""

    def test_connection_of_the_view_is_closed_when_the_stream_starts(self):
        response = self.client.get(reverse("nitro:todo-stream"), headers=DS)
        assert connection.connection is not None  # the view used it
        next(iter(response.streaming_content))  # type: ignore[attr-defined]
        assert connection.connection is None

    def test_connection_in_a_transaction_is_left_open(self):
        with transaction.atomic():
            Todo.count()
            events = _sync_events(iter([{"a": 1}]), encode, 1)
            next(events)
            assert connection.connection is not None

    def test_generator_connection_is_closed_after_each_item(self):
        used: list[Any] = []
        release = threading.Event()

        def polling() -> Iterator[dict[str, int]]:
            used.append(connections["default"])
            yield {"open": Todo.count()}
            release.wait(5)
            yield {"open": Todo.count()}

        events = _sync_events(polling(), encode, 5)
        next(events)
        closed_between_items = wait_for(lambda: used[0].connection is None)
        release.set()
        assert (closed_between_items, len(list(events))) == (True, 1)

    def test_generator_connection_is_closed_when_it_ends(self):
        used: list[Any] = []

        def counting() -> Iterator[dict[str, int]]:
            used.append(connections["default"])
            with transaction.atomic():  # held across the yield: not closed then
                yield {"open": Todo.count()}
            yield {"done": 1}

        assert len(list(_sync_events(counting(), encode, 5))) == 2
        assert wait_for(lambda: used[0].connection is None)

    def test_thread_of_a_closed_stream_ends_at_its_next_item(self):
        threads: list[threading.Thread] = []

        def endless() -> Iterator[dict[str, int]]:
            threads.append(threading.current_thread())
            while True:
                yield {"tick": 1}
                time.sleep(0.05)

        events = _sync_events(endless(), encode, 5)
        next(events)
        events.close()  # type: ignore[attr-defined]
        assert wait_for(lambda: not threads[0].is_alive())


class AsyncStreamThreadTests(TransactionTestCase):
    """Under ASGI, an idle async stream holds neither the request's thread nor a connection.

    Each test runs its own event loop, with no sync thread above it, as under an ASGI server.
    """

    def test_request_thread_and_its_connection_are_released(self):
        async def serve() -> tuple[bool, bool, Any]:
            async with ThreadSensitiveContext():
                context = SyncToAsync.thread_sensitive_context.get()
                thread, wrapper = await sync_to_async(
                    lambda: (threading.current_thread(), connections["default"])
                )()
                await sync_to_async(Todo.count)()  # the view's work, in the request's thread
                events = _async_events(_slow_numbers(), encode, 5)
                await anext(events)
                released = (
                    context in SyncToAsync.context_to_thread_executor,
                    await asyncio.to_thread(wait_for, lambda: not thread.is_alive()),
                    wrapper.connection,
                )
                await events.aclose()  # type: ignore[attr-defined]
                return released

        assert asyncio.run(serve()) == (False, True, None)

    def test_thread_the_generator_needs_is_released_after_each_item(self):
        seen: list[threading.Thread] = []

        async def reading() -> AsyncIterator[dict[str, int]]:
            for _ in range(2):
                seen.append(await sync_to_async(threading.current_thread)())
                yield {"open": await sync_to_async(Todo.count)()}

        async def serve() -> list[str]:
            async with ThreadSensitiveContext():
                return [chunk async for chunk in _async_events(reading(), encode, 5)]

        assert (len(asyncio.run(serve())), seen[0] is not seen[1]) == (2, True)

    def test_nothing_to_release_outside_a_thread_sensitive_context(self):
        async def serve() -> list[str]:
            return [event async for event in _async_events(_slow_numbers(), encode, 5)]

        assert asyncio.run(serve()) == ['event: datastar-patch-signals\ndata: signals {"n":1}\n\n']


TICK = b'event: datastar-patch-signals\ndata: signals {"tick":1}\n\n'


def pinged_after_an_event(received: bytes) -> bool:
    return b": ping" in received.partition(TICK)[2]


def notes(tag: str) -> list[str]:
    return [note.text for note in Note.all() if note.text.startswith(f"{tag} ")]


async def serve_asgi(path: str, query: str, leave: Callable[[bytes], bool]) -> bytes:
    """GET *path* from Django's ASGI handler as an ASGI server calls it; the client leaves
    (``http.disconnect``) once what it has received satisfies *leave*. Return what it got."""
    received = b""
    left = asyncio.Event()
    messages = [{"type": "http.request", "body": b""}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        nonlocal received
        received += message.get("body", b"")
        if leave(received):
            left.set()

    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), (b"datastar-request", b"true")],
    }
    await asyncio.wait_for(ASGIHandler()(scope, receive, send), 10)
    return received


class CrossStreamContract:
    """What a generator of the other kind than the server's gets: the same as its own kind."""

    action: str

    def stream(self, query: str, leave: Callable[[bytes], bool]) -> bytes:
        raise NotImplementedError

    def test_events_come_while_the_generator_runs(self):
        # The generator never ends: what came, came before its end.
        received = self.stream("tag=early&every=0.2", lambda received: TICK in received)
        assert received.replace(b": ping\n\n", b"") == TICK

    def test_heartbeats_while_the_generator_waits(self):
        received = self.stream("tag=ping&every=0.5", pinged_after_an_event)
        assert received.count(TICK) == 1

    def test_generator_is_closed_when_the_client_leaves(self):
        self.stream("tag=left", lambda received: TICK in received)
        assert wait_for(lambda: notes("left") == ["left GeneratorExit"]), notes("left")


@override_settings(NITRO_DISPATCH={"HEARTBEAT": 0.05})
class SyncGeneratorUnderAsgiTests(CrossStreamContract, TransactionTestCase):
    def stream(self, query: str, leave: Callable[[bytes], bool]) -> bytes:
        return asyncio.run(serve_asgi(reverse("nitro:todo-closing"), query, leave))

    async def test_sync_generator_streams_to_the_end(self):
        response = await self.async_client.get(reverse("nitro:todo-stream"), headers=DS)
        chunks = [chunk async for chunk in response.streaming_content]  # type: ignore[attr-defined]
        assert chunks == ticks(3)


@override_settings(NITRO_DISPATCH={"HEARTBEAT": 0.05})
class AsyncGeneratorUnderWsgiTests(CrossStreamContract, TransactionTestCase):
    def stream(self, query: str, leave: Callable[[bytes], bool]) -> bytes:
        response = self.client.get(f"{reverse('nitro:todo-async_closing')}?{query}", headers=DS)
        received = b""
        try:
            for chunk in response.streaming_content:  # type: ignore[attr-defined]
                received += chunk
                if leave(received):
                    break
        finally:
            response.close()  # what a WSGI server does once the client has gone
        return received

    def test_async_generator_streams_to_the_end(self):
        response = self.client.get(reverse("nitro:todo-async_stream"), headers=DS)
        assert list(response.streaming_content) == ticks(2)  # type: ignore[attr-defined]


class SteppedTests(TransactionTestCase):
    """A sync generator under ASGI, each step in a thread of the stream's own."""

    def test_steps_run_in_one_thread_that_is_not_the_requests(self):
        steps: list[threading.Thread] = []

        def numbers() -> Iterator[dict[str, int]]:
            for n in range(2):
                steps.append(threading.current_thread())
                yield {"n": n}

        async def serve() -> tuple[int, bool, bool]:
            async with ThreadSensitiveContext():
                view = await sync_to_async(threading.current_thread)()
                events = [e async for e in _async_events(streams._stepped(numbers()), encode, 5)]
                return len(events), steps[0] is steps[1], view in steps

        assert asyncio.run(serve()) == (2, True, False)
        assert wait_for(lambda: not steps[0].is_alive())

    def test_connection_is_closed_after_each_step(self):
        used: list[Any] = []

        def polling() -> Iterator[dict[str, int]]:
            used.append(connections["default"])
            yield {"open": Todo.count()}
            yield {"closed": used[0].connection is None}

        async def serve() -> list[str]:
            return [e async for e in _async_events(streams._stepped(polling()), encode, 5)]

        assert asyncio.run(serve())[1] == encode({"closed": True})

    def test_error_in_the_generator_reaches_the_response(self):
        def broken() -> Iterator[dict[str, int]]:
            yield {"a": 1}
            raise RuntimeError("stream broke")

        async def serve() -> list[str]:
            return [e async for e in _async_events(streams._stepped(broken()), encode, 5)]

        with pytest.raises(RuntimeError, match="stream broke"):
            asyncio.run(serve())


class WorkerTests(SimpleTestCase):
    def test_call_cancelled_before_it_began_is_skipped(self):
        worker = streams._Worker()
        release = threading.Event()
        ran: list[str] = []
        first = worker.submit(lambda: release.wait(5))
        second = worker.submit(lambda: ran.append("second"))
        second.cancel()
        release.set()
        third = worker.submit(lambda: ran.append("third"))
        worker.stop()
        assert (first.result(5), third.result(5), ran) == (True, None, ["third"])


class OwnLoopTests(TransactionTestCase):
    """An async generator under WSGI, on an event loop of its own."""

    def test_every_step_runs_on_one_loop_in_a_thread_of_its_own(self):
        loops: list[tuple[asyncio.AbstractEventLoop, threading.Thread]] = []

        async def numbers() -> AsyncIterator[dict[str, int]]:
            for n in range(2):
                loops.append((asyncio.get_running_loop(), threading.current_thread()))
                yield {"n": n}

        events = list(streams._on_own_loop(_async_events(numbers(), encode, 5)))
        (loop, thread), *rest = loops
        assert (len(events), rest, thread is threading.current_thread()) == (
            2,
            [(loop, thread)],
            False,
        )
        assert wait_for(lambda: not thread.is_alive())

    def test_thread_the_generator_needs_is_released_after_each_item(self):
        seen: list[tuple[threading.Thread, Any]] = []

        def where() -> tuple[threading.Thread, Any]:
            Todo.count()
            return threading.current_thread(), connections["default"]

        async def reading() -> AsyncIterator[dict[str, int]]:
            for n in range(2):
                seen.append(await sync_to_async(where)())
                yield {"n": n}

        events = list(streams._on_own_loop(_async_events(reading(), encode, 5)))
        (first, wrapper), (second, _) = seen
        assert (len(events), first is second, wrapper.connection) == (2, False, None)

    def test_error_in_the_generator_reaches_the_response(self):
        async def broken() -> AsyncIterator[dict[str, int]]:
            yield {"a": 1}
            raise RuntimeError("stream broke")

        events = streams._on_own_loop(_async_events(broken(), encode, 5))
        next(events)
        with pytest.raises(RuntimeError, match="stream broke"):
            next(events)
