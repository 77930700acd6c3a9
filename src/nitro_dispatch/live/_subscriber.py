"""One open stream: its inbox, which the hub fills and the response empties.

The hub runs on a loop of its own; the response under ASGI on the server's loop, under WSGI in
the server's thread. The inbox is a bounded list behind a lock: the hub never waits for a
client. When a client falls ``LIVE_QUEUE`` events behind, what it has not taken is dropped and
the hub sends it a snapshot instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._feed import Feed
    from ._hub import _Group

__all__ = ["Subscriber"]


class _Wakeups:
    """Wakes the streams of one event loop: one call into the loop for all those woken at once
    (a change sent to a thousand streams is one wake-up of their loop, not a thousand)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # Not the loop itself: _wakeups would keep every loop ever used alive.
        self._loop = weakref.ref(loop)
        self._lock = threading.Lock()
        self._events: list[asyncio.Event] = []

    def add(self, event: asyncio.Event) -> None:
        with self._lock:
            self._events.append(event)
            if len(self._events) > 1:
                return  # the call is on its way
            loop = self._loop()
            if loop is not None:
                with contextlib.suppress(RuntimeError):  # raised once the loop has closed
                    loop.call_soon_threadsafe(self._run)
                    return
            self._events.clear()  # the loop has closed or gone: nothing waits on it any more

    def _run(self) -> None:
        with self._lock:
            events, self._events = self._events, []
        for event in events:
            event.set()


_wakeups: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Wakeups] = (
    weakref.WeakKeyDictionary()
)
_wakeups_lock = threading.Lock()


def _wakeups_of(loop: asyncio.AbstractEventLoop) -> _Wakeups:
    with _wakeups_lock:
        found = _wakeups.get(loop)
        if found is None:
            found = _wakeups[loop] = _Wakeups(loop)
        return found


class Subscriber:
    """A stream following *feed*; *last_seen* is its parsed Last-Event-ID, if any."""

    def __init__(
        self,
        feed: Feed,
        last_seen: tuple[str, dict[str, int]] | None,
        size: int,
        loop: asyncio.AbstractEventLoop | None,
    ) -> None:
        self.feed = feed
        self.last_seen = last_seen
        self.positions: dict[str, int] = {}
        self.group: _Group | None = None
        self.task: asyncio.Task[None] | None = None
        self.gone = False
        self.failed = False
        self._size = size
        self._items: list[str] = []
        self._lock = threading.Lock()
        self._wakeups = _wakeups_of(loop) if loop is not None else None
        self._woken = False
        self._ready: Any = asyncio.Event() if loop is not None else threading.Condition(self._lock)

    def offer(self, text: str) -> bool:
        """Queue *text*; False (the queue emptied) if the client is too far behind."""
        with self._lock:
            if len(self._items) >= self._size:
                self._items.clear()
                return False
            self._items.append(text)
            self._wake()
        return True

    def fail(self) -> None:
        """End the stream: it could not start."""
        with self._lock:
            self.failed = True
            self._wake()

    def _wake(self) -> None:
        # Under the lock.
        if self._wakeups is None:
            self._ready.notify()
        elif not self._woken:
            self._woken = True
            self._wakeups.add(self._ready)

    def _take(self) -> str | None:
        # Under the lock: what is queued, "" for nothing, None once failed.
        if self.failed:
            return None
        text = "".join(self._items)
        self._items.clear()
        return text

    async def next(self, timeout: float) -> str | None:
        """What has come within *timeout* seconds ("" for nothing), or None at the end."""
        ready: asyncio.Event = self._ready
        with self._lock:
            text = self._take()
            if text != "":
                return text
            self._woken = False
            ready.clear()
        # A timer that wakes it, cheaper than asyncio.timeout() (nothing to cancel in the
        # task): a change sent to a thousand streams ends a thousand waits.
        timer = asyncio.get_running_loop().call_later(timeout, ready.set)
        try:
            await ready.wait()
        finally:
            timer.cancel()
        with self._lock:
            return self._take()

    def next_blocking(self, timeout: float) -> str | None:
        """:meth:`next` for a thread."""
        with self._lock:
            text = self._take()
            if text == "":
                self._ready.wait(timeout)
                text = self._take()
            return text
