"""nitro_dispatch.events: Nitro's on/emit/emit_async (nitro-boost 0.3.0's nitro.events), and the
entity lifecycle events sent after commit."""

from __future__ import annotations

import asyncio
import gc
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from django.test import SimpleTestCase

from nitro_dispatch import events
from nitro_dispatch.events import (
    ANY,
    Event,
    Namespace,
    default_namespace,
    emit,
    emit_async,
    event,
    filter_signals,
    on,
)


class EventTestCase(SimpleTestCase):
    """Each test's events are named apart from every other test's."""

    def setUp(self) -> None:
        self.prefix = f"t{uuid.uuid4().hex[:8]}"
        self.calls: list[Any] = []

    def name(self, suffix: str = "done") -> str:
        return f"{self.prefix}.{suffix}"

    def on(self, evt: str | Event, **options: Any) -> Callable[[Any], Any]:
        """on(), disconnected when the test ends."""

        def decorate(function: Any) -> Any:
            on(evt, **options)(function)
            if isinstance(evt, str) and events._is_pattern(evt):
                self.addCleanup(default_namespace.disconnect_pattern, evt, function)
            else:
                found = evt if isinstance(evt, Event) else event(evt)
                self.addCleanup(found.disconnect, function)
            return function

        return decorate


class NamesTests(SimpleTestCase):
    def test_every_name_nitro_exports_is_here(self):
        # nitro-boost 0.3.0, nitro/events/events.py: __all__, and filter_signals.
        nitro = {"event", "on", "emit", "emit_async", "Event", "Namespace", "ANY"}
        assert {*nitro, "default_namespace", "filter_signals"} <= set(events.__all__)


class EmitTests(EventTestCase):
    def test_no_handlers_gives_an_empty_list(self):
        # Nitro: tests/test_edge_cases.py, emission with no handlers is safe and gives [].
        assert emit(self.name(), sender=self) == []

    def test_each_handler_gives_a_list_of_what_it_returned(self):
        @self.on(self.name())
        def value(sender: Any, **kwargs: Any) -> tuple[Any, ...]:
            return ("value", sender, kwargs)

        @self.on(self.name())
        def nothing(sender: Any, **kwargs: Any) -> None:
            return None

        # As Nitro's [[('h1', 'S', {'x': 1})], []].
        assert emit(self.name(), "S", x=1) == [[("value", "S", {"x": 1})], []]

    def test_generator_handler_gives_its_items_but_none(self):
        @self.on(self.name())
        def items(sender: Any) -> Iterator[int | None]:
            yield 1
            yield None
            yield 2

        assert emit(self.name()) == [[1, 2]]

    def test_higher_priority_first_then_in_the_order_connected(self):
        for label, priority in [("a", 0), ("b", 5), ("c", 0), ("d", 5)]:
            self.on(self.name(), priority=priority)(lambda sender, label=label: label)
        assert emit(self.name()) == [["b"], ["d"], ["a"], ["c"]]

    def test_returning_false_stops_the_emission(self):
        @self.on(self.name(), priority=5)
        def first(sender: Any) -> str:
            return "first"

        @self.on(self.name(), priority=1)
        def stop(sender: Any) -> bool:
            return False

        @self.on(self.name())
        def never(sender: Any) -> str:
            self.calls.append("never")
            return "never"

        assert (emit(self.name()), self.calls) == ([["first"]], [])

    def test_returning_zero_does_not_stop_it(self):
        # An intended difference: Nitro tests `False in [0]`, which is true.
        self.on(self.name())(lambda sender: 0)
        self.on(self.name())(lambda sender: "next")
        assert emit(self.name()) == [[0], ["next"]]

    def test_handler_whose_condition_is_false_is_skipped(self):
        @self.on(self.name(), condition=lambda sender, **kwargs: kwargs["ok"])
        def conditional(sender: Any, **kwargs: Any) -> str:
            return "ran"

        assert (emit(self.name(), ok=True), emit(self.name(), ok=False)) == ([["ran"]], [])

    def test_handler_whose_condition_fails_is_skipped_and_logged(self):
        @self.on(self.name(), condition=lambda sender: 1 / 0)
        def conditional(sender: Any) -> str:
            return "ran"

        with self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs:
            assert emit(self.name()) == []
        assert logs.records[0].getMessage() == (
            f"The condition of handler {conditional!r} failed; it was skipped"
        )

    def test_handler_for_one_sender_hears_only_that_sender(self):
        one, other = object(), object()
        self.on(self.name(), sender=one)(lambda sender: "heard")
        assert (emit(self.name(), one), emit(self.name(), other), emit(self.name())) == (
            [["heard"]],
            [],
            [],
        )

    def test_positional_arguments_reach_the_handler(self):
        # An intended difference: Nitro's sync emit fails with a TypeError on them.
        self.on(self.name())(lambda sender, first, second: (first, second))
        assert emit(self.name(), None, 1, 2) == [[(1, 2)]]

    def test_exception_of_a_handler_propagates(self):
        # Nitro: tests/test_error_handling.py, "sync mode allows exceptions to propagate".
        @self.on(self.name())
        def failing(sender: Any) -> None:
            raise ValueError("Handler failed!")

        @self.on(self.name())
        def later(sender: Any) -> None:
            self.calls.append("later")

        with pytest.raises(ValueError, match="Handler failed!"):
            emit(self.name(), sender=self)
        assert self.calls == []

    def test_emit_robust_logs_a_failure_and_calls_the_others(self):
        @self.on(self.name())
        def failing(sender: Any) -> None:
            raise ValueError("Handler failed!")

        self.on(self.name())(lambda sender: "later")
        with self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs:
            assert event(self.name()).emit_robust() == [["later"]]
        assert (logs.records[0].getMessage(), logs.records[0].exc_info[0]) == (  # type: ignore[index]
            f"Handler {failing!r} of event {self.name()!r} failed",
            ValueError,
        )

    def test_handlers_are_held_strongly(self):
        # As in Nitro, whose handler metadata keeps weakly connected handlers alive.
        def connect() -> None:
            @self.on(self.name(), weak=True)
            def local(sender: Any) -> str:
                return "local"

        connect()
        gc.collect()
        assert emit(self.name()) == [["local"]]

    def test_connecting_again_replaces_the_handler(self):
        def handler(sender: Any) -> str:
            return "once"

        found = event(self.name())
        found.connect(handler)
        found.connect(handler, priority=3)
        self.addCleanup(found.disconnect, handler)
        assert emit(self.name()) == [["once"]]

    def test_disconnected_handler_is_not_called(self):
        def handler(sender: Any) -> str:
            return "called"

        event(self.name()).connect(handler)
        event(self.name()).disconnect(handler)
        assert emit(self.name()) == []

    def test_disconnect_for_one_sender_keeps_the_others(self):
        one, other = object(), object()

        def handler(sender: Any) -> str:
            return "called"

        found = event(self.name())
        found.connect(handler, sender=one)
        found.connect(handler, sender=other)
        self.addCleanup(found.disconnect, handler)
        found.disconnect(handler, sender=one)
        assert (emit(self.name(), one), emit(self.name(), other)) == ([], [["called"]])

    def test_on_takes_an_event(self):
        self.on(event(self.name()))(lambda sender: "called")
        assert emit(event(self.name())) == [["called"]]


class AsyncHandlerUnderEmitTests(EventTestCase):
    def test_without_a_loop_it_runs_to_its_end_in_place(self):
        # An intended difference: Nitro starts it in a thread of its own and returns at once.
        @self.on(self.name())
        async def later(sender: Any) -> str:
            await asyncio.sleep(0.05)
            self.calls.append("ran")
            return "ignored"

        assert (emit(self.name()), self.calls) == ([], ["ran"])

    def test_its_exception_propagates_without_a_loop(self):
        @self.on(self.name())
        async def failing(sender: Any) -> None:
            raise ValueError("async handler failed")

        with pytest.raises(ValueError, match="async handler failed"):
            emit(self.name())

    def test_async_generator_runs_through(self):
        @self.on(self.name())
        async def items(sender: Any) -> AsyncIterator[int]:
            self.calls.append("first")
            yield 1
            self.calls.append("second")

        emit(self.name())
        assert self.calls == ["first", "second"]

    def test_on_a_running_loop_it_is_scheduled(self):
        # As Nitro: started as a task of the loop, emit() returning first.
        @self.on(self.name())
        async def later(sender: Any) -> None:
            self.calls.append("ran")

        async def scenario() -> tuple[list[Any], list[Any]]:
            results, before = emit(self.name()), list(self.calls)
            await asyncio.sleep(0.01)
            return results, before

        assert (asyncio.run(scenario()), self.calls) == (([], []), ["ran"])

    def test_scheduled_handler_failure_is_logged(self):
        @self.on(self.name())
        async def failing(sender: Any) -> None:
            raise ValueError("scheduled handler failed")

        async def scenario() -> None:
            emit(self.name())
            await asyncio.sleep(0.01)

        with self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs:
            asyncio.run(scenario())
        assert logs.records[0].getMessage() == (
            f"Handler {failing!r} of event {self.name()!r} failed"
        )


class EmitAsyncTests(EventTestCase):
    def test_async_handlers_run_concurrently(self):
        # Nitro: tests/test_async_support.py, three 0.1 s handlers take less than 0.2 s.
        for label in "abc":

            async def handler(sender: Any, label: str = label, **kwargs: Any) -> str:
                await asyncio.sleep(0.1)
                return label

            self.on(self.name())(handler)
        started = time.monotonic()
        results = asyncio.run(emit_async(self.name(), sender="test"))
        assert (results, time.monotonic() - started < 0.2) == ([["a"], ["b"], ["c"]], True)

    def test_handlers_get_the_sender_and_keywords(self):
        @self.on(self.name())
        async def handler(sender: Any, **kwargs: Any) -> tuple[Any, ...]:
            return sender, kwargs

        results = asyncio.run(emit_async(self.name(), sender="s", test_value="v"))
        assert results == [[("s", {"test_value": "v"})]]

    def test_each_handler_is_called_once(self):
        # An intended difference: Nitro's emit_async binds its loop variable late and calls
        # the last handler once per handler.
        for label in "ab":
            self.on(self.name())(lambda sender, label=label: self.calls.append(label))
        asyncio.run(emit_async(self.name()))
        assert sorted(self.calls) == ["a", "b"]

    def test_sync_handler_runs_in_a_thread_off_the_loop(self):
        # An intended difference: Nitro calls it on the loop, which it then blocks.
        @self.on(self.name())
        def handler(sender: Any) -> threading.Thread:
            return threading.current_thread()

        async def scenario() -> tuple[threading.Thread, list[Any]]:
            return threading.current_thread(), await emit_async(self.name())

        loop_thread, [[handler_thread]] = asyncio.run(scenario())
        assert handler_thread is not loop_thread

    def test_sync_generator_handler_gives_its_items(self):
        @self.on(self.name())
        def items(sender: Any) -> Iterator[int]:
            yield 1
            yield 2

        assert asyncio.run(emit_async(self.name())) == [[1, 2]]

    def test_async_generator_handler_gives_its_items(self):
        @self.on(self.name())
        async def items(sender: Any) -> AsyncIterator[int | None]:
            yield 1
            yield None
            yield 2

        assert asyncio.run(emit_async(self.name())) == [[1, 2]]

    def test_failure_is_logged_and_returned_and_the_others_run(self):
        # Nitro's tests/test_async_support.py: an exception in one handler does not block the
        # others, and emit_async() does not raise.
        error = ValueError("Handler failed")

        @self.on(self.name())
        async def failing(sender: Any) -> None:
            raise error

        @self.on(self.name())
        async def working(sender: Any) -> str:
            return "worked"

        with self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs:
            results = asyncio.run(emit_async(self.name()))
        assert (results, logs.records[0].getMessage()) == (
            [error, ["worked"]],
            f"Handler {failing!r} of event {self.name()!r} failed",
        )

    def test_condition_is_honoured(self):
        # An intended difference: Nitro's emit_async ignores conditions.
        @self.on(self.name(), condition=lambda sender: False)
        async def never(sender: Any) -> str:
            return "ran"

        assert asyncio.run(emit_async(self.name())) == []

    def test_cancellation_is_not_swallowed(self):
        @self.on(self.name())
        async def forever(sender: Any) -> None:
            await asyncio.Event().wait()

        async def scenario() -> None:
            task = asyncio.ensure_future(emit_async(self.name()))
            await asyncio.sleep(0.01)
            task.cancel()
            await task

        with pytest.raises(asyncio.CancelledError):
            asyncio.run(scenario())

    def test_handler_cancelled_alone_cancels_the_emission(self):
        @self.on(self.name())
        async def cancelled(sender: Any) -> None:
            raise asyncio.CancelledError

        with pytest.raises(asyncio.CancelledError):
            asyncio.run(emit_async(event(self.name())))


class WildcardTests(EventTestCase):
    def test_pattern_covers_events_made_later(self):
        self.on(self.name("*"))(lambda sender: "heard")
        assert emit(self.name("created")) == [["heard"]]

    def test_pattern_covers_events_made_before(self):
        # An intended difference: in Nitro, a pattern connected once an event matches covers
        # only the events made so far (here not "deleted").
        event(self.name("created"))
        self.on(self.name("*"))(lambda sender: "heard")
        assert (emit(self.name("created")), emit(self.name("deleted"))) == (
            [["heard"]],
            [["heard"]],
        )

    def test_bang_pattern_covers_every_other_event(self):
        self.on(f"!{self.prefix}.*")(lambda sender: "heard")
        assert (emit(self.name()), emit(f"other{self.prefix}")) == ([], [["heard"]])

    def test_pattern_and_named_handlers_in_priority_then_connection_order(self):
        self.on(self.name())(lambda sender: "named")
        self.on(self.name("*"))(lambda sender: "pattern")
        self.on(self.name("*"), priority=1)(lambda sender: "first")
        assert emit(self.name()) == [["first"], ["named"], ["pattern"]]

    def test_disconnected_pattern_is_not_called(self):
        def handler(sender: Any) -> str:
            return "heard"

        default_namespace.connect_pattern(self.name("*"), handler)
        assert emit(self.name()) == [["heard"]]
        default_namespace.disconnect_pattern(self.name("*"), handler)
        assert emit(self.name()) == []


class NamespaceTests(EventTestCase):
    def test_event_of_a_name_is_made_once(self):
        assert (event(self.name()) is event(self.name()), event(self.name()).name) == (
            True,
            self.name(),
        )

    def test_event_repr_and_doc(self):
        found = Namespace().event("todo.saved", doc="After a save.")
        assert (repr(found), found.__doc__) == ("<Event 'todo.saved'>", "After a save.")

    def test_event_made_alone_is_in_the_default_namespace(self):
        assert Event("todo.saved").namespace is default_namespace

    def test_filter_signals_gives_the_matching_events(self):
        namespace = Namespace()
        saved, deleted = namespace.event("todo.saved"), namespace.event("todo.deleted")
        namespace.event("note.saved")
        assert filter_signals("todo.*", namespace) == {"todo.saved": saved, "todo.deleted": deleted}

    def test_clear_forgets_events_and_patterns(self):
        namespace = Namespace()
        namespace.connect_pattern("todo.*", lambda sender: "heard")
        held = namespace.event("todo.saved")
        assert held.emit() == [["heard"]]
        namespace.clear()
        assert (dict(namespace), namespace.event("todo.saved").emit(), held.emit()) == ({}, [], [])

    def test_receivers_for_a_sender_in_order(self):
        one = object()

        def first(sender: Any) -> None: ...
        def second(sender: Any) -> None: ...

        found = Namespace().event("todo.saved")
        found.connect(second)
        found.connect(first, sender=one, priority=1)
        assert (list(found.receivers_for(one)), list(found.receivers_for(None))) == (
            [first, second],
            [second],
        )

    def test_has_receivers(self):
        one = object()
        found = Namespace().event("todo.saved")
        before = (found.has_receivers(), found.has_receivers_for(one))
        found.connect(lambda sender: None, sender=one)
        assert (before, found.has_receivers(), found.has_receivers_for(None)) == (
            (False, False),
            True,
            False,
        )

    def test_any_reads_as_its_name(self):
        assert repr(ANY) == "ANY"
