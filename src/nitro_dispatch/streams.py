"""Streamed answers: an action that returns a generator.

A sync or an async generator streams the same way under WSGI and ASGI: event by event, with
heartbeats while it waits, and closed when the client goes away.

- WSGI, sync generator: it runs in a thread of its own, a little ahead of the response.
- WSGI, async generator: it runs on an event loop of its own, in a thread of its own, for the
  whole stream; the response's thread waits for each event.
- ASGI, async generator: it runs on the server's event loop.
- ASGI, sync generator: each step runs in a thread of the stream's own, never the request's.

A stream runs after the view has returned and the middleware has finished, and may stay open
for hours, so it gives back what the view needed as soon as it starts:

- Django's database connections of the thread that served the view are closed (not those in
  a transaction), so an open stream holds none while it waits;
- under ASGI, the thread Django ran the view and the middleware in (the request's
  thread-sensitive thread) is shut down, so an idle async stream holds no thread either.

A generator that queries the database gets a connection as usual; it is given back after each
item the generator yields, unless the generator holds a transaction open across it. A thread
that runs a sync generator closes its connections when it ends, and ends once the step the
generator was in when the client left has returned.

An async generator calls the entity API through ``sync_to_async`` (a thread-sensitive call
gets a thread as above), as any async code outside an action does: unlike an async action's
coroutine, it runs after the action has returned, outside its transaction, and under ASGI on
the server's event loop, where a synchronous database call would hold up every request.
Called directly, the entity API raises SynchronousOnlyOperation saying so. (Running each
stream on a loop of its own instead would cost every open stream a thread.)
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import Future
from functools import partial
from typing import Any, Final, TypeVar

from asgiref.sync import SyncToAsync, ThreadSensitiveContext, sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import connections
from django.http import HttpRequest, StreamingHttpResponse

from ._compress import compressed, negotiate
from .conf import get_settings

__all__ = ["HEARTBEAT", "SSE_HEADERS", "close_connections", "event_stream", "stream_response"]

SSE_HEADERS: Final = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
HEARTBEAT: Final = ": ping\n\n"

Encode = Callable[[Any], str]
T = TypeVar("T")


def stream_response(
    request: HttpRequest, result: Iterator[Any] | AsyncIterator[Any], encode: Encode
) -> StreamingHttpResponse:
    """A ``text/event-stream`` response sending ``encode(item)`` for each item of *result*,
    iterated the way the server that got *request* (WSGI or ASGI) serves it."""
    heartbeat = get_settings().HEARTBEAT
    under_asgi = isinstance(request, ASGIRequest)
    content: Iterator[str] | AsyncIterator[str]
    if isinstance(result, AsyncIterator):
        events = _async_events(result, encode, heartbeat)
        content = events if under_asgi else _on_own_loop(events)
    elif under_asgi:
        content = _async_events(_stepped(result), encode, heartbeat)
    else:
        content = _sync_events(result, encode, heartbeat)
    return event_stream(request, content)


def event_stream(
    request: HttpRequest, content: Iterator[str] | AsyncIterator[str]
) -> StreamingHttpResponse:
    """The ``text/event-stream`` response sending *content*'s chunks, compressed if *request*
    accepts it (see _compress.py)."""
    encoding = negotiate(request) if get_settings().COMPRESS_STREAMS else None
    body = content if encoding is None else compressed(content)
    response = StreamingHttpResponse(body, content_type="text/event-stream", headers=SSE_HEADERS)
    # GZipMiddleware buffers a stream until it ends; it leaves encoded responses alone.
    response["Content-Encoding"] = encoding or "identity"
    response["Vary"] = "Datastar-Request, Accept-Encoding"
    return response


def close_connections() -> None:
    """Close this thread's database connections, except those inside a transaction."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


async def _release_thread() -> None:
    # Django runs the sync parts of an ASGI request (the view, most middleware) in one thread
    # per request, kept until the response has been sent: for a stream, as long as it is
    # open. Close that thread's connections in it, then let it go; a later thread-sensitive
    # call of the generator starts a new one, released after the item it computes.
    context = SyncToAsync.thread_sensitive_context.get(None)
    executor = SyncToAsync.context_to_thread_executor.get(context) if context else None
    if executor is None:
        return
    await sync_to_async(close_connections, thread_sensitive=True)()
    SyncToAsync.context_to_thread_executor.pop(context, None)  # type: ignore[arg-type]
    executor.shutdown(wait=False)


async def _async_events(
    result: AsyncIterator[Any], encode: Encode, heartbeat: float
) -> AsyncIterator[str]:
    pending: asyncio.Future[Any] | None = None
    try:
        await _release_thread()
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(result))
            done, _ = await asyncio.wait({pending}, timeout=heartbeat)
            if not done:
                yield HEARTBEAT
                continue
            try:
                value = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            await _release_thread()
            yield encode(value)
    finally:
        if pending is not None:
            # The cancelled step must finish before the generator can be closed.
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        await result.aclose()  # type: ignore[attr-defined]
        await _release_thread()  # the generator's finally may have used a thread


_END: Final = object()


def _start_thread(target: Callable[[], object]) -> None:
    # A daemon: a generator blocked for an hour must not hold up the server's shutdown.
    threading.Thread(target=contextvars.copy_context().run, args=(target,), daemon=True).start()


def _step(result: Iterator[Any]) -> Any:
    """The next item of *result* (``_END`` after the last), its connections closed after it."""
    value = next(result, _END)
    close_connections()
    return value


def _finish(result: Iterator[Any]) -> None:
    close = getattr(result, "close", None)
    if close is not None:
        close()
    connections.close_all()


def _sync_events(result: Iterator[Any], encode: Encode, heartbeat: float) -> Iterator[str]:
    # A blocked generator cannot yield heartbeats itself, so it runs in a thread of its own and
    # the response waits on a queue, pinging while nothing comes.
    close_connections()
    items: queue.Queue[tuple[object, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: tuple[object, Any]) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            while (value := _step(result)) is not _END:
                if not offer((None, value)):
                    break
            else:
                offer((_END, None))
        except BaseException as exc:  # handed to the response thread, which raises it
            offer((_END, exc))
        finally:
            _finish(result)

    _start_thread(pump)
    try:
        while True:
            try:
                marker, value = items.get(timeout=heartbeat)
            except queue.Empty:
                yield HEARTBEAT
                continue
            if marker is _END:
                if value is not None:
                    raise value
                return
            yield encode(value)
    finally:
        stop.set()


class _Worker:
    """A daemon thread that runs the calls it is given one after the other, in one context."""

    def __init__(self) -> None:
        self._calls: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]] | None]
        self._calls = queue.SimpleQueue()
        _start_thread(self._run)

    def submit(self, call: Callable[[], T]) -> Future[T]:
        future: Future[T] = Future()
        self._calls.put((future, call))
        return future

    def stop(self) -> None:
        """End the thread once the calls given so far have run."""
        self._calls.put(None)

    def _run(self) -> None:
        while (job := self._calls.get()) is not None:
            future, call = job
            if not future.set_running_or_notify_cancel():
                continue  # cancelled before it began
            try:
                future.set_result(call())
            except BaseException as exc:  # the caller's to raise
                future.set_exception(exc)


async def _stepped(result: Iterator[Any]) -> AsyncIterator[Any]:
    # A sync generator under ASGI: each step runs in a thread of the stream's own, so it may
    # block while heartbeats go out. When the client leaves, the step under way cannot be
    # interrupted: the same thread closes the generator once it returns (closing it meanwhile,
    # from another thread, would fail with "generator already executing"), then ends.
    worker = _Worker()
    step = partial(_step, result)
    try:
        while (value := await asyncio.wrap_future(worker.submit(step))) is not _END:
            yield value
    finally:
        worker.submit(partial(_finish, result))
        worker.stop()


def _on_own_loop(events: AsyncIterator[str]) -> Iterator[str]:
    # An async generator under WSGI: one task on an event loop of its own, in a thread of its
    # own, runs the whole stream (loop-bound objects work from one item to the next). It hands
    # each event, heartbeats included, to the response's thread and waits to be asked for the
    # next; once the server has closed the response, the wait is cancelled instead, the stream
    # is closed on its loop and the thread ends.
    handoff: queue.SimpleQueue[tuple[str, asyncio.Future[None]] | BaseException | None]
    handoff = queue.SimpleQueue()

    async def run() -> None:
        # The generator's thread-sensitive calls get a thread of the stream's own, released
        # after each item like the request's under ASGI.
        async with ThreadSensitiveContext():
            try:
                async for event in events:
                    asked = asyncio.get_running_loop().create_future()
                    handoff.put((event, asked))
                    await asked
                handoff.put(None)
            except BaseException as exc:  # handed to the response thread, which raises it
                handoff.put(exc)
            finally:
                await events.aclose()  # type: ignore[attr-defined]

    close_connections()
    _start_thread(lambda: asyncio.run(run()))
    asked: asyncio.Future[None] | None = None
    try:
        while (item := handoff.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            event, asked = item
            yield event
            asked.get_loop().call_soon_threadsafe(asked.set_result, None)
            asked = None
    finally:
        if asked is not None:
            asked.get_loop().call_soon_threadsafe(asked.cancel)
