"""Async actions that call the (sync) entity API straight from their coroutine.

The action's transaction is opened in the view's thread T. The coroutine then runs on an event
loop of its own, in a worker thread L (asgiref's ``async_to_sync(force_new_loop=True)``), while T
waits. So a sync database call in the coroutine blocks this action's own loop, never the
server's, and:

- the entity API called directly in the coroutine (on L) runs on T's connection, which the
  bridge below hands to the entity engine's pool (see db.py): open, as the transaction is, and
  used by one thread at a time, since T only waits;
- ``await sync_to_async(...)`` (thread-sensitive) runs in T itself, on the same connection;
- the Django ORM's async methods (``acreate()``, ``acount()``) run in T too.

All three share the action's transaction. T waits inside the transaction, so nothing runs on
its connection but what the action asks for. SQLite connections are opened by Django with
``check_same_thread=False`` and psycopg's are thread-safe, so the hand-over between the two
threads is safe, and so are the rarer overlaps (a task of the coroutine querying while another
waits for a thread-sensitive call; a ``sync_to_async(thread_sensitive=False)`` call, which
inherits the bridge). Only the entity database (``NITRO_DISPATCH["DATABASE"]``) is bridged:
Django's own synchronous API (``Model.objects.get()``, ``transaction.on_commit()``) still
needs ``sync_to_async`` in the coroutine, as Django requires of async code.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from asgiref.sync import async_to_sync
from django.db import connections

from .conf import get_settings

if TYPE_CHECKING:
    from django.db.backends.base.base import BaseDatabaseWrapper

__all__ = ["bridged_connection", "call_async_action", "schedule"]

# (alias, T's connection wrapper) while an async action runs; copied into the coroutine's
# context (and its tasks, and the thread-sensitive calls it makes).
_bridge: ContextVar[tuple[str, BaseDatabaseWrapper] | None] = ContextVar(
    "nitro_dispatch_bridge", default=None
)

# Tasks schedule() started, per loop, kept until they end (a loop holds only weak references
# to its tasks, so a task nobody else holds may vanish before it has run).
_scheduled: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, set[asyncio.Task[Any]]]
_scheduled = weakref.WeakKeyDictionary()
_scheduled_lock = threading.Lock()


def bridged_connection(alias: str) -> BaseDatabaseWrapper | None:
    """The connection of the async action running in this context, if it is on *alias*."""
    bridge = _bridge.get()
    return bridge[1] if bridge is not None and bridge[0] == alias else None


def call_async_action(function: Callable[..., Awaitable[Any]], /, *args: Any, **kwargs: Any) -> Any:
    """Run ``await function(*args, **kwargs)`` on an event loop of its own and return its result.

    Called in the thread holding the action's transaction, which waits meanwhile (and runs the
    coroutine's thread-sensitive ``sync_to_async`` calls). The tasks schedule() starts on that
    loop end before this returns, so none is cut off when the loop closes.
    """
    alias = get_settings().DATABASE
    token = _bridge.set((alias, connections[alias]))
    try:
        return async_to_sync(_to_the_end, force_new_loop=True)(function, *args, **kwargs)
    finally:
        _bridge.reset(token)


async def _to_the_end(function: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
    try:
        return await function(*args, **kwargs)
    finally:
        await _settle()


def schedule(coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
    """Start *coroutine* as a task of the running loop, held until it ends.

    The coroutine must handle its own exceptions: nobody awaits the task. On an async
    action's own loop, the action waits for it before its transaction ends.
    """
    loop = asyncio.get_running_loop()
    task = loop.create_task(coroutine)
    with _scheduled_lock:
        tasks = _scheduled.setdefault(loop, set())
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return task


async def _settle() -> None:
    # Tasks may schedule more tasks: wait until none is left.
    with _scheduled_lock:
        tasks = _scheduled.get(asyncio.get_running_loop(), set())
    while pending := {task for task in tasks if not task.done()}:
        await asyncio.wait(pending)
