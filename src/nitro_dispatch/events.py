"""Nitro's in-process events: ``on``, ``emit``, ``emit_async``, with entity lifecycle events.

The API of Nitro's ``nitro.events`` (a Blinker ``NamedSignal`` there, a small implementation
here), so Nitro handlers keep working::

    @on("counter.incremented")
    async def log_increment(sender: Counter, **kwargs: Any) -> None: ...

    await emit_async("counter.incremented", sender=counter, by=1)

Handlers are called ``handler(sender, *args, **kwargs)``. ``on()`` takes a name, an Event, or
an fnmatch pattern (``"todo.*"``, ``"!todo.*"`` for every other event), which also covers
events made after it. A handler may be connected for one *sender* (by identity) only, with a
*priority* (higher first; equal ones in the order connected) and a *condition*
``(sender, **kwargs) -> bool``.

``emit()`` calls sync handlers in priority order and returns a list with, per handler, a list
of what it returned (nothing for None; every item, but None, a generator yields). A handler
returning False stops the emission; an exception stops it too, and propagates. Async handlers
are started on the calling thread's running event loop, if it has one (on an async action's
own loop, the action waits for them), or else run to their end in place.

``emit_async()`` runs every handler concurrently (sync ones through ``sync_to_async``, so a
sync handler may use the database from async code) and never raises a handler's exception:
it is logged, and stands in the results in place of that handler's list.

Entities send ``<table>.created`` (inserted), ``<table>.saved`` (inserted or updated,
``created=`` says which) and ``<table>.deleted`` with the entity as sender, once their
transaction has committed; see _lifecycle.py.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, Final, TypeVar

from asgiref.sync import async_to_sync, sync_to_async

from . import _lifecycle
from ._async import schedule

__all__ = [
    "ANY",
    "Event",
    "Namespace",
    "default_namespace",
    "emit",
    "emit_async",
    "event",
    "filter_signals",
    "on",
]

logger = logging.getLogger("nitro_dispatch.events")

F = TypeVar("F", bound=Callable[..., Any])
Condition = Callable[..., bool]


class _Any:
    def __repr__(self) -> str:
        return "ANY"


ANY: Final[Any] = _Any()
"""Every sender: a handler connected for ANY hears them all."""

_order = itertools.count()  # connection order, across events and patterns
_lock = threading.Lock()  # connections change rarely; emissions read snapshots without it


@dataclass(frozen=True, eq=False)
class _Handler:
    function: Callable[..., Any]
    sender: Any
    priority: int
    condition: Condition | None
    order: int = field(default_factory=lambda: next(_order))
    is_async: bool = field(init=False)

    def __post_init__(self) -> None:
        function = self.function
        coroutine = inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function)
        object.__setattr__(self, "is_async", coroutine)

    def hears(self, sender: Any) -> bool:
        return self.sender is ANY or self.sender is sender

    def accepts(self, sender: Any, kwargs: dict[str, Any]) -> bool:
        if self.condition is None:
            return True
        try:
            return bool(self.condition(sender, **kwargs))
        except Exception:  # as Nitro: a condition that fails skips its handler
            logger.exception("The condition of handler %r failed; it was skipped", self.function)
            return False


def _matches(pattern: str, name: str) -> bool:
    if pattern.startswith("!"):
        return not fnmatchcase(name, pattern[1:])
    return fnmatchcase(name, pattern)


def _is_pattern(name: str) -> bool:
    return name.startswith("!") or any(character in name for character in "*?[")


class Event:
    """A named event of a Namespace (Nitro's ``Event``); handlers connect to it with connect()
    or ``on()``."""

    def __init__(self, name: str, namespace: Namespace | None = None, doc: str | None = None):
        self.name = name
        self.namespace = default_namespace if namespace is None else namespace
        self.__doc__ = doc
        self._own: tuple[_Handler, ...] = ()
        self._all: tuple[_Handler, ...] | None = None  # own and pattern handlers, in order

    def __repr__(self) -> str:
        return f"<Event {self.name!r}>"

    def connect(
        self,
        receiver: F,
        sender: Any = ANY,
        weak: bool = True,
        priority: int = 0,
        condition: Condition | None = None,
    ) -> F:
        """Call *receiver* on each emission from *sender* (ANY: every sender) for which
        *condition* holds; higher *priority* first. Return *receiver*.

        Handlers are held strongly (*weak* is accepted for Nitro's signature; Nitro keeps its
        handlers alive too). Connecting a handler again for the same sender replaces it.
        """
        handler = _Handler(receiver, sender, priority, condition)
        with _lock:
            kept = (h for h in self._own if not (h.function == receiver and h.sender is sender))
            self._own = (*kept, handler)
            self._all = None
        return receiver

    def disconnect(self, receiver: Callable[..., Any], sender: Any = ANY) -> None:
        """Stop calling *receiver* (connected for *sender*; with ANY, for any sender)."""
        with _lock:
            self._own = tuple(
                h
                for h in self._own
                if not (h.function == receiver and (sender is ANY or h.sender is sender))
            )
            self._all = None

    def _handlers(self) -> tuple[_Handler, ...]:
        handlers = self._all
        if handlers is None:
            with _lock:  # so that no connection made meanwhile is left out
                patterns = self.namespace.patterns_for(self.name)
                handlers = self._all = tuple(sorted((*self._own, *patterns), key=_rank))
        return handlers

    def _heard_by(self, sender: Any) -> list[_Handler]:
        return [handler for handler in self._handlers() if handler.hears(sender)]

    def receivers_for(self, sender: Any) -> Iterator[Callable[..., Any]]:
        """The handlers an emission from *sender* calls (conditions aside), in order."""
        return (handler.function for handler in self._heard_by(sender))

    def has_receivers_for(self, sender: Any) -> bool:
        """Whether an emission from *sender* has any handler to call."""
        return any(handler.hears(sender) for handler in self._handlers())

    def has_receivers(self) -> bool:
        """Whether any handler is connected, for any sender."""
        return bool(self._handlers())

    def emit(self, sender: Any = ANY, *args: Any, **kwargs: Any) -> list[Any]:
        """Call the handlers for *sender*; see the module's documentation."""
        return self._emit(sender, args, kwargs, robust=False)

    def emit_robust(self, sender: Any = ANY, *args: Any, **kwargs: Any) -> list[Any]:
        """emit(), but a handler's exception is logged and the others still run (Django's
        ``send_robust()``); the lifecycle events are sent this way."""
        return self._emit(sender, args, kwargs, robust=True)

    def _emit(
        self, sender: Any, args: tuple[Any, ...], kwargs: dict[str, Any], *, robust: bool
    ) -> list[Any]:
        # robust: every handler runs whatever the others raise; their exceptions are logged.
        results = []
        for handler in self._heard_by(sender):
            if not handler.accepts(sender, kwargs):
                continue
            try:
                if handler.is_async:
                    self._start(handler, sender, args, kwargs)
                    continue
                result = _collect(handler.function(sender, *args, **kwargs))
            except Exception:
                if not robust:
                    raise
                self._log_failure(handler)
                continue
            if any(item is False for item in result):
                break  # Nitro's cancellation: the rest are not called
            results.append(result)
        return results

    def _start(
        self, handler: _Handler, sender: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop in this thread: run it to its end, as Django's send()
            async_to_sync(_consume_async)(handler.function, sender, args, kwargs)
            return

        async def guarded() -> None:
            try:
                await _consume_async(handler.function, sender, args, kwargs)
            except Exception:  # nobody awaits this task
                self._log_failure(handler)

        schedule(guarded())

    async def emit_async(self, sender: Any = ANY, *args: Any, **kwargs: Any) -> list[Any]:
        """Run the handlers for *sender* concurrently; see the module's documentation."""
        handlers = [h for h in self._heard_by(sender) if h.accepts(sender, kwargs)]
        results = await asyncio.gather(
            *(_consume(handler.function, sender, args, kwargs) for handler in handlers),
            return_exceptions=True,
        )
        for handler, result in zip(handlers, results, strict=True):
            if isinstance(result, Exception):
                self._log_failure(handler, result)
            elif isinstance(result, BaseException):  # cancelled, or an exit: not the handler's
                raise result
        return results

    def _log_failure(self, handler: _Handler, error: BaseException | None = None) -> None:
        logger.error(
            "Handler %r of event %r failed", handler.function, self.name,
            exc_info=error if error is not None else True,
        )  # fmt: skip


def _rank(handler: _Handler) -> tuple[int, int]:
    return -handler.priority, handler.order


def _collect(value: Any) -> list[Any]:
    """What one handler call gave: its value, or a generator's items; Nones left out."""
    if inspect.isgenerator(value):
        return [item for item in value if item is not None]
    return [] if value is None else [value]


async def _consume_async(
    function: Callable[..., Any], sender: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[Any]:
    value = function(sender, *args, **kwargs)
    if inspect.isasyncgen(value):
        return [item async for item in value if item is not None]
    value = await value
    return [] if value is None else [value]


async def _consume(
    function: Callable[..., Any], sender: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> list[Any]:
    if inspect.iscoroutinefunction(function) or inspect.isasyncgenfunction(function):
        return await _consume_async(function, sender, args, kwargs)
    # Thread-sensitive: in an async action, the thread holding its transaction.
    return await sync_to_async(lambda: _collect(function(sender, *args, **kwargs)))()


class Namespace(dict[str, Event]):
    """Events by name (Nitro's ``Namespace``), and the pattern handlers ``on()`` connected."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._patterns: tuple[tuple[str, _Handler], ...] = ()

    def event(self, name: str, doc: str | None = None) -> Event:
        """The Event named *name*, made on first use."""
        found = self.get(name)
        if found is None:
            with _lock:
                found = self.setdefault(name, Event(name, self, doc))
        return found

    def connect_pattern(
        self,
        pattern: str,
        receiver: F,
        sender: Any = ANY,
        priority: int = 0,
        condition: Condition | None = None,
    ) -> F:
        """Connect *receiver* to every event, made so far or later, whose name matches the
        fnmatch *pattern* (``"todo.*"``; a leading ``!`` matches every other name)."""
        handler = _Handler(receiver, sender, priority, condition)
        with _lock:
            self._patterns = (*self._patterns, (pattern, handler))
            self._forget_patterns()
        return receiver

    def disconnect_pattern(self, pattern: str, receiver: Callable[..., Any]) -> None:
        """Undo connect_pattern()."""
        with _lock:
            self._patterns = tuple(
                (p, h) for p, h in self._patterns if not (p == pattern and h.function == receiver)
            )
            self._forget_patterns()

    def patterns_for(self, name: str) -> Iterable[_Handler]:
        """The pattern handlers an event named *name* calls."""
        return [handler for pattern, handler in self._patterns if _matches(pattern, name)]

    def _forget_patterns(self) -> None:
        for known in self.values():
            known._all = None

    def clear(self) -> None:
        """Forget every event and pattern handler."""
        with _lock:
            self._patterns = ()
            self._forget_patterns()  # events still held elsewhere lose them too
            super().clear()


default_namespace: Final = Namespace()
"""The namespace ``event()``, ``on()``, ``emit()`` and ``emit_async()`` use."""


def event(name: str, doc: str | None = None) -> Event:
    """The Event named *name* in the default namespace, made on first use."""
    return default_namespace.event(name, doc)


def filter_signals(filter_query: str, namespace: Namespace = default_namespace) -> dict[str, Event]:
    """The events made so far whose names match the fnmatch pattern *filter_query*."""
    return {name: found for name, found in namespace.items() if _matches(filter_query, name)}


def on(
    evt: str | Event,
    sender: Any = ANY,
    weak: bool = True,
    priority: int = 0,
    condition: Condition | None = None,
) -> Callable[[F], F]:
    """Decorator connecting a handler to *evt*: an Event, a name, or an fnmatch pattern.

    ``@on("todo.saved")``, ``@on("todo.*")``; *sender*, *priority* and *condition* as for
    Event.connect().
    """

    def decorate(function: F) -> F:
        if isinstance(evt, Event):
            return evt.connect(function, sender, weak, priority, condition)
        if _is_pattern(evt):
            return default_namespace.connect_pattern(evt, function, sender, priority, condition)
        return event(evt).connect(function, sender, weak, priority, condition)

    return decorate


def _event(evt: str | Event) -> Event:
    return evt if isinstance(evt, Event) else event(evt)


def emit(evt: str | Event, sender: Any = ANY, *args: Any, **kwargs: Any) -> list[Any]:
    """Emit *evt* (an Event or a name) from *sender*; see the module's documentation."""
    return _event(evt).emit(sender, *args, **kwargs)


async def emit_async(evt: str | Event, sender: Any = ANY, *args: Any, **kwargs: Any) -> list[Any]:
    """Emit *evt* (an Event or a name) from *sender* to handlers running concurrently."""
    return await _event(evt).emit_async(sender, *args, **kwargs)


# Anything that listens imports this module: the lifecycle events are hooked from here on.
_lifecycle.connect(default_namespace)
