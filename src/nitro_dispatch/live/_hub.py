"""The live hub of a process: one listener for the broker, and every stream open in it.

It runs on an event loop of its own, in a daemon thread, whatever the server: under ASGI the
streams are coroutines of the server's loop, under WSGI threads; either way they only wait
for their inbox (see _subscriber.py), and the hub fills it.

Streams that render the same thing (same topics, functions, context and language, none of
them taking the request) form one group, rendered once per change for all of them. A group
renders at most once per ``LIVE_THROTTLE`` seconds: a burst of changes becomes one render,
the first of them at once. Renders of one group run one at a time, in a small thread pool
(they read the database, then close their connections as requests do), and each subscriber
gets them in the order they were made, so no page applies an older state over a newer one.

A stream that joins reads the topics' positions first, then renders its snapshot (or, with
``Last-Event-ID``, what it missed), all under its group's lock: a change published meanwhile
is rendered after it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Coroutine, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final

from django.core.signals import setting_changed
from django.db import close_old_connections, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import translation

from ._topics import Message, event_id
from .brokers import Broker, get_broker, reset_broker

if TYPE_CHECKING:
    from ._feed import Feed
    from ._subscriber import Subscriber

__all__ = ["Hub", "get_hub"]

logger = logging.getLogger("nitro_dispatch.live")

RENDER_THREADS: Final = 4


def _render_events(feed: Feed, shared: bool, function: Callable[..., Any], *args: Any) -> str:
    """The events of what *function* returns for *feed*, in the feed's language.

    A render for one subscriber has its request as the current one (fragment() renders
    templates with it); a *shared* one has none, so that no viewer's user or CSRF token
    reaches the others.
    """
    from nitro_dispatch.responses import current_request, events

    token = current_request.set(None if shared else feed.request)
    try:
        with translation.override(feed.language):
            return events(feed.call(function, *args))
    finally:
        current_request.reset(token)
        # As after a request: the render threads are few and last, so a connection is kept
        # for the next render when CONN_MAX_AGE allows it (0, the default, closes it).
        close_old_connections()
        _close_in_memory()


def _close_in_memory() -> None:
    # Django never closes an in-memory SQLite connection (the database would go with the last
    # one), so they would outlive this thread and warn when collected (Python 3.13). The
    # render threads are the hub's own: never the thread that holds the database (the test
    # runner's, for a project's in-memory test database).
    for connection in connections.all(initialized_only=True):
        if (
            connection.vendor == "sqlite"
            and connection.is_in_memory_db()  # type: ignore[attr-defined]
            and not connection.in_atomic_block
        ):
            BaseDatabaseWrapper.close(connection)


def _with_id(text: str, identifier: str) -> str:
    # The id goes on the last event: once the client has it, it has all of them.
    if not text:
        return f": nothing changed\nid: {identifier}\n\n"
    return f"{text[:-1]}id: {identifier}\n\n"


class _Group:
    def __init__(self, hub: Hub, key: Hashable, feed: Feed) -> None:
        self.hub = hub
        self.key = key
        self.feed = feed  # the first subscriber's: the others' render the same
        self.shared = feed.share_key() is not None
        self.subscribers: set[Subscriber] = set()
        self.lock = asyncio.Lock()
        self.dirty = False
        self.pending: list[Message] = []
        self.task: asyncio.Task[None] | None = None
        self.last_event = ""  # the last one sent: see Hub.offer
        self.last = float("-inf")

    def changed(self, message: Message | None = None) -> None:
        """Render again (or, for an ``on_message`` feed, send *message*); None: render again
        whatever the feed, its subscribers may have missed anything."""
        if message is not None and self.feed.on_message is not None:
            self.pending.append(message)
        else:
            self.dirty = True
        if self.task is None:
            self.task = self.hub.spawn(self._flush())

    async def _flush(self) -> None:
        try:
            while self.dirty or self.pending:
                if self.pending:
                    async with self.lock:
                        messages, self.pending = self.pending, []
                        for message in messages:
                            await self.hub.send_message(self, message, self.subscribers)
                    continue
                wait = self.last + self.hub.throttle - self.hub.loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                async with self.lock:
                    self.dirty = False
                    self.last = self.hub.loop.time()
                    await self.hub.send_render(self, self.subscribers)
        finally:
            self.task = None


class Hub:
    """The listener and the streams of this process (one per process: get_hub())."""

    def __init__(self, broker: Broker, *, queue_size: int, throttle: float) -> None:
        self.broker = broker
        self.queue_size = queue_size
        self.throttle = throttle
        self.groups: dict[Hashable, _Group] = {}
        self.by_topic: dict[str, set[_Group]] = {}
        self.seen: dict[str, int] = {}
        self.epoch = ""
        self.connected = threading.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self.executor = ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="nitro-live")
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="nitro-live-hub", daemon=True)
        self._thread.start()

    # In any thread.

    def deliver(self, message: Message) -> None:
        """Hand *message* to the streams following its topic."""
        self.loop.call_soon_threadsafe(self._received, message)

    def join(self, subscriber: Subscriber) -> None:
        """Start sending *subscriber* its feed: a snapshot or what it missed, then changes."""
        self.loop.call_soon_threadsafe(self._start_join, subscriber)

    def leave(self, subscriber: Subscriber) -> None:
        """Stop sending to *subscriber* (its client has gone)."""
        with contextlib.suppress(RuntimeError):  # the hub has stopped: nothing to leave
            self.loop.call_soon_threadsafe(self._leave, subscriber)

    def stop(self) -> None:
        """Stop the listener, close the broker's connections, end the loop's thread."""

        async def shutdown() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(Exception):
                await self.broker.aclose()

        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(shutdown(), self.loop).result(5)
        with contextlib.suppress(RuntimeError):  # stopped already
            self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        self.executor.shutdown(wait=False)

    # On the hub's loop.

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.spawn(self._listen())
        try:
            self.loop.run_forever()
        finally:
            self.loop.close()

    def spawn(self, coroutine: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run *coroutine* as a task of the hub's loop, kept until it ends (the loop holds
        only weak references to its tasks)."""
        task = self.loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def _listen(self) -> None:
        while True:
            try:
                await self.broker.listen(self.deliver, self._on_connect)
            except Exception:  # a broker's bug must not end the live updates of the process
                logger.exception("Live updates: the broker's listener failed; restarting it")
                await asyncio.sleep(1)

    async def _on_connect(self) -> None:
        # (Re)connected: what was published while the listener was away reaches the groups
        # from the logs, as a reconnecting page's does.
        topics = list(self.by_topic)
        epoch, heads = await self.broker.heads(topics)
        if epoch != self.epoch:
            self.epoch = epoch
            self.seen = {}
        for topic, head in heads.items():
            if head > self.seen.get(topic, 0):
                missed = await self.broker.since(topic, self.seen.get(topic, 0))
                if missed is None:  # gone from the log: every group of it re-renders
                    self.seen[topic] = head
                    for group in list(self.by_topic.get(topic, ())):
                        group.changed()
                else:
                    for message in missed:
                        self._received(message)
        self.connected.set()

    def _received(self, message: Message) -> None:
        if message.position <= self.seen.get(message.topic, 0):
            return  # delivered already (read again from the log after a reconnection)
        self.seen[message.topic] = message.position
        for group in list(self.by_topic.get(message.topic, ())):
            group.changed(message)

    def _start_join(self, subscriber: Subscriber) -> None:
        feed = subscriber.feed
        key = feed.share_key()
        group = self.groups.get(key) if key is not None else None
        if group is None:
            group = _Group(self, key if key is not None else subscriber, feed)
            self.groups[group.key] = group
            for topic in feed.topics:
                self.by_topic.setdefault(topic, set()).add(group)
        subscriber.group = group
        subscriber.task = self.spawn(self._join(group, subscriber))

    async def _join(self, group: _Group, subscriber: Subscriber) -> None:
        try:
            async with group.lock:
                if subscriber.gone:
                    return
                group.subscribers.add(subscriber)
                epoch, heads = await self.broker.heads(group.feed.topics)
                positions = {t: max(heads[t], self.seen.get(t, 0)) for t in heads}
                if await self._catch_up(group, subscriber, epoch, positions):
                    return
                await self._snapshot(group, subscriber, epoch, positions)
        except Exception:
            logger.exception("Live updates: a stream of %s could not start", group.feed.topics)
            subscriber.fail()
        finally:
            if subscriber.gone:
                self._drop_if_empty(group)

    async def _catch_up(
        self, group: _Group, subscriber: Subscriber, epoch: str, positions: dict[str, int]
    ) -> bool:
        """Send what *subscriber* missed since its Last-Event-ID; False if it needs a
        snapshot instead (first connection, another epoch, a gap older than the log)."""
        seen = subscriber.last_seen
        if seen is None or seen[0] != epoch or set(seen[1]) != set(positions):
            return False
        had = seen[1]
        if had == positions:
            subscriber.positions = dict(positions)
            return True  # nothing missed
        if group.feed.on_message is None or any(had[t] > positions[t] for t in positions):
            return False  # a render is the catching up
        missed: list[Message] = []
        for topic in positions:
            found = await self.broker.since(topic, had[topic])
            if found is None:
                return False
            missed.extend(found)
        subscriber.positions = dict(had)
        for message in sorted(missed, key=lambda m: m.position):
            await self.send_message(group, message, {subscriber})
        return True

    async def _snapshot(
        self, group: _Group, subscriber: Subscriber, epoch: str, positions: dict[str, int]
    ) -> None:
        self.epoch = epoch
        # Rendered afresh, never an earlier render reused: the page may show a change already
        # (in the HTML it loaded, or from another process) whose message is still on its way.
        await self.send_render(group, {subscriber}, positions)

    async def render(
        self, group: _Group, positions: dict[str, int] | None = None
    ) -> tuple[str, dict[str, int]] | None:
        """Render *group*'s feed once; return its events and the positions they cover, or
        None if it failed (logged: the pages keep what they show until the next change)."""
        if positions is None:
            positions = {topic: self.seen.get(topic, 0) for topic in group.feed.topics}
        try:
            text = await self.loop.run_in_executor(
                self.executor, _render_events, group.feed, group.shared, group.feed.render
            )
        except Exception:
            logger.exception("Live updates: rendering %r failed", group.feed.render)
            return None
        return text, positions

    async def send_render(
        self, group: _Group, subscribers: set[Subscriber], positions: dict[str, int] | None = None
    ) -> None:
        """Render *group*'s feed and send it to *subscribers* (nothing if the render failed)."""
        rendered = await self.render(group, positions)
        if rendered is not None:
            sent: dict[Any, Any] = {}
            for subscriber in list(subscribers):
                self.offer(group, subscriber, *rendered, sent)

    async def send_message(
        self, group: _Group, message: Message, subscribers: set[Subscriber]
    ) -> None:
        """Send the patches of *group*'s ``on_message(message)`` to *subscribers*."""
        targets = [s for s in subscribers if message.position > s.positions.get(message.topic, 0)]
        if not targets:
            return
        assert group.feed.on_message is not None
        try:
            text = await self.loop.run_in_executor(
                self.executor,
                _render_events,
                group.feed,
                group.shared,
                group.feed.on_message,
                message,
            )
        except Exception:
            logger.exception("Live updates: on_message %r failed", group.feed.on_message)
            return
        sent: dict[Any, Any] = {}
        positions = {message.topic: message.position}
        for subscriber in targets:
            self.offer(group, subscriber, text, positions, sent)

    def offer(
        self,
        group: _Group,
        subscriber: Subscriber,
        text: str,
        positions: dict[str, int],
        sent: dict[Any, Any],
    ) -> None:
        """Queue *text* for *subscriber*, or resync it with a snapshot if its queue is full.

        *sent* holds what was made of *text* so far for the subscribers given it: those at the
        same positions get the same string, which their compressed streams then share (see
        _compress.py).
        """
        # Subscribers of a group mostly share their positions (the same dict, never changed in
        # place): the positions, id and event are made once for all of them.
        key = (id(subscriber.positions), id(positions))
        found = sent.get(key)
        if found is None:
            merged = {**subscriber.positions, **positions}
            identifier = event_id(self.epoch, merged)
            # Those at the same positions in dicts of their own (each had its snapshot) take
            # one, which they then share.
            same = sent.get(identifier)
            if same is None:
                event = _with_id(text, identifier)
                # A snapshot the same as the last event (pages opened between two changes) is
                # made that very string: the streams that keep it to compress against keep one.
                if event == group.last_event:
                    event = group.last_event
                group.last_event = event
                same = sent[identifier] = (merged, event)
            # The dicts keyed by id are kept alive in it, so no other takes their ids meanwhile.
            found = sent[key] = (subscriber.positions, positions, *same)
        _, _, subscriber.positions, event = found
        if not subscriber.offer(event):
            self.spawn(self._resync(group, subscriber))

    async def _resync(self, group: _Group, subscriber: Subscriber) -> None:
        # (A subscriber that has left meanwhile gets it in an inbox nobody reads.)
        async with group.lock:
            await self.send_render(group, {subscriber})

    def _leave(self, subscriber: Subscriber) -> None:
        subscriber.gone = True
        group = subscriber.group
        assert group is not None  # join() came first, and the loop runs its calls in order
        group.subscribers.discard(subscriber)
        if subscriber.task is None or subscriber.task.done():
            self._drop_if_empty(group)
        # else: once its join has ended (see _join)

    def _drop_if_empty(self, group: _Group) -> None:
        if not group.subscribers and self.groups.get(group.key) is group:
            del self.groups[group.key]
            for topic in group.feed.topics:
                followers = self.by_topic[topic]
                followers.discard(group)
                if not followers:
                    del self.by_topic[topic]
            if group.task is not None:
                group.task.cancel()


_hub: Hub | None = None
_hub_lock = threading.Lock()


def get_hub() -> Hub:
    """This process's hub, started on first use."""
    global _hub
    with _hub_lock:
        if _hub is None:
            from nitro_dispatch.conf import get_settings

            settings = get_settings()
            _hub = Hub(get_broker(), queue_size=settings.LIVE_QUEUE,
                       throttle=settings.LIVE_THROTTLE)  # fmt: skip
        return _hub


def reset_hub() -> None:
    """Stop this process's hub; the next get_hub() starts one for the current settings."""
    global _hub
    with _hub_lock:
        hub, _hub = _hub, None
    if hub is not None:
        hub.stop()
    reset_broker()


def _settings_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "NITRO_DISPATCH":
        reset_hub()


setting_changed.connect(_settings_changed, weak=False)
