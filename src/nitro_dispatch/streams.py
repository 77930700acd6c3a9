"""Streamed answers: an action that returns a generator.

A stream runs after the view has returned and the middleware has finished, and may stay open
for hours, so it gives back what the view needed as soon as it starts:

- Django's database connections of the thread that served the view are closed (not those in
  a transaction), so an open stream holds none while it waits;
- under ASGI, the thread Django ran the view and the middleware in (the request's
  thread-sensitive thread) is shut down, so an idle async stream holds no thread either.

A generator that queries the database gets a connection as usual; it is given back after each
item the generator yields, unless the generator holds a transaction open across it. A sync
generator runs in a thread of its own, so heartbeats go out while it blocks; that thread closes
its connections when it ends, and ends at the generator's next step once the client has gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import queue
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Final

from asgiref.sync import SyncToAsync, sync_to_async
from django.db import connections
from django.http import StreamingHttpResponse

from .conf import get_settings

__all__ = ["HEARTBEAT", "SSE_HEADERS", "close_connections", "stream_response"]

SSE_HEADERS: Final = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
HEARTBEAT: Final = ": ping\n\n"

Encode = Callable[[Any], str]


def stream_response(
    result: Iterator[Any] | AsyncIterator[Any], encode: Encode
) -> StreamingHttpResponse:
    """A ``text/event-stream`` response sending ``encode(item)`` for each item of *result*."""
    heartbeat = get_settings().HEARTBEAT
    content: Any
    if isinstance(result, AsyncIterator):
        content = _async_events(result, encode, heartbeat)
    else:
        content = _sync_events(result, encode, heartbeat)
    response = StreamingHttpResponse(content, content_type="text/event-stream", headers=SSE_HEADERS)
    # GZipMiddleware buffers a stream until it ends; it leaves encoded responses alone.
    response["Content-Encoding"] = "identity"
    response["Vary"] = "Datastar-Request"
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


_END: Final = object()


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
            for value in result:
                close_connections()
                if not offer((None, value)):
                    break
            else:
                offer((_END, None))
        except BaseException as exc:  # handed to the response thread, which raises it
            offer((_END, exc))
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
            connections.close_all()

    thread = threading.Thread(target=contextvars.copy_context().run, args=(pump,), daemon=True)
    thread.start()
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
