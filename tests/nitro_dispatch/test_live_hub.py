"""The live hub: slow clients, reconnections of the broker, failures, streams that leave."""

from __future__ import annotations

import asyncio
import gc
import logging
import weakref
from typing import Any
from unittest import mock

from django.db import connections
from django.test import RequestFactory, SimpleTestCase, TransactionTestCase, override_settings
from django.urls import reverse

from nitro_dispatch import live
from nitro_dispatch.live._feed import Feed
from nitro_dispatch.live._hub import Hub, _Group, get_hub, reset_hub
from nitro_dispatch.live._subscriber import Subscriber
from nitro_dispatch.live.brokers import get_broker
from nitro_dispatch.live.brokers.memory import MemoryBroker
from rustytags_backend.html import P
from tests.live_app.entities import RENDERS, Card
from tests.nitro_dispatch.live_client import DS, Reader, split, wait_until

LIVE = {"HEARTBEAT": 0.05, "LIVE_THROTTLE": 0}


def feed(render: Any = Card.board, *topics: str, on_message: Any = None) -> Feed:
    return Feed(topics or ("cards",), render, on_message, {}, RequestFactory().get("/"), "en")


def board_of(cards: list[Card], ident: str) -> str:
    ordered = sorted(cards, key=lambda card: card.id)
    items = "".join(f'<li id="card-{card.id}">{card.title}</li>' for card in ordered)
    return (
        f'event: datastar-patch-elements\ndata: elements <ul id="cards">{items}</ul>\n\n'
        f'event: datastar-patch-signals\ndata: signals {{"cards":{len(cards)}}}\nid: {ident}\n\n'
    )


def on_hub(hub: Hub, coroutine: Any) -> Any:
    return asyncio.run_coroutine_threadsafe(coroutine, hub.loop).result(10)


def idle(hub: Hub) -> bool:
    """Whether the hub has nothing left to do but listen."""

    async def tasks() -> int:
        others = asyncio.all_tasks() - {asyncio.current_task()}
        return len([task for task in others if not task.done()])

    return bool(on_hub(hub, tasks()) == 1)  # the listener


@override_settings(NITRO_DISPATCH=LIVE)
class HubTestCase(TransactionTestCase):
    def setUp(self) -> None:
        reset_hub()
        RENDERS.clear()
        self.hub = get_hub()
        assert self.hub.connected.wait(5)

    def tearDown(self) -> None:
        reset_hub()

    @property
    def epoch(self) -> str:
        broker = get_broker()
        assert isinstance(broker, MemoryBroker)
        return broker.epoch

    def subscribe(self, made: Feed | None = None, size: int = 64,
                  last: tuple[str, dict[str, int]] | None = None) -> Subscriber:  # fmt: skip
        subscriber = Subscriber(made or feed(), last, size, None)
        self.hub.join(subscriber)
        self.addCleanup(self.hub.leave, subscriber)
        return subscriber


class SlowClientTests(HubTestCase):
    def test_a_client_too_far_behind_gets_the_current_state_instead_of_every_change(self):
        subscriber = self.subscribe(size=1)  # holds one event: the snapshot
        assert wait_until(lambda: RENDERS == ["board"])
        cards = [Card.create(title=f"card {n}") for n in range(3)]
        assert wait_until(lambda: idle(self.hub))
        assert subscriber.next_blocking(1) == board_of(cards, f"{self.epoch}~cards=3")

    def test_a_client_that_keeps_up_gets_every_change(self):
        subscriber = self.subscribe()
        snapshot = subscriber.next_blocking(5) or ""
        first = Card.create(title="first")
        assert wait_until(lambda: idle(self.hub) and len(RENDERS) == 2)
        second = Card.create(title="second")
        assert wait_until(lambda: idle(self.hub) and len(RENDERS) == 3)
        assert snapshot + (subscriber.next_blocking(1) or "") == (
            board_of([], f"{self.epoch}~cards=0")
            + board_of([first], f"{self.epoch}~cards=1")
            + board_of([first, second], f"{self.epoch}~cards=2")
        )


class BrokerReconnectionTests(HubTestCase):
    def away(self) -> MemoryBroker:
        """The broker, its listener gone (as a Redis connection that dropped)."""
        broker = get_broker()
        assert isinstance(broker, MemoryBroker)
        broker._deliver = None
        return broker

    def back(self, broker: MemoryBroker) -> None:
        broker._deliver = self.hub.deliver
        on_hub(self.hub, self.hub._on_connect())

    def test_changes_published_while_the_listener_was_away_are_rendered_once_back(self):
        subscriber = self.subscribe()
        assert wait_until(lambda: RENDERS == ["board"])
        subscriber.next_blocking(1)
        broker = self.away()
        card = Card.create(title="meanwhile")
        self.back(broker)
        assert subscriber.next_blocking(5) == board_of([card], f"{self.epoch}~cards=1")

    def test_nothing_published_while_away_renders_nothing(self):
        subscriber = self.subscribe()
        subscriber.next_blocking(5)
        self.back(self.away())
        assert wait_until(lambda: idle(self.hub))
        assert (RENDERS, subscriber.next_blocking(0.1)) == (["board"], "")

    def test_a_message_a_stream_replayed_already_is_not_sent_again_once_the_listener_is_back(self):
        broker = self.away()
        live.publish("chat", {"text": "hi"})

        def said(message: live.Message) -> Any:
            return P(message.data["text"], id="said")

        chat = feed(Card.board, "chat", on_message=said)
        subscriber = self.subscribe(chat, last=(self.epoch, {"chat": 0}))  # replayed from the log
        replayed = subscriber.next_blocking(5)
        self.back(broker)  # the listener reads it from the log too
        assert wait_until(lambda: idle(self.hub))
        assert (replayed, subscriber.next_blocking(0.1)) == (
            f'event: datastar-patch-elements\ndata: elements <p id="said">hi</p>\n'
            f"id: {self.epoch}~chat=1\n\n",
            "",
        )

    @override_settings(NITRO_DISPATCH={**LIVE, "LIVE_LOG": 1})
    def test_a_gap_older_than_the_log_resyncs_every_stream_of_the_topic(self):
        reset_hub()
        self.hub = get_hub()
        subscriber = self.subscribe()
        assert wait_until(lambda: RENDERS == ["board"])
        subscriber.next_blocking(1)
        broker = self.away()
        cards = [Card.create(title=f"card {n}") for n in range(3)]
        self.back(broker)
        assert subscriber.next_blocking(5) == board_of(cards, f"{self.epoch}~cards=3")

    def test_a_new_epoch_forgets_the_positions_seen(self):
        Card.create(title="before")
        assert wait_until(lambda: self.hub.seen == {"cards": 1, "cards.owner.0": 1})
        broker = self.away()
        broker.epoch = "another"
        with broker._lock:
            broker._heads.clear()
            broker._logs.clear()
        self.back(broker)
        assert (self.hub.epoch, self.hub.seen) == ("another", {})


class FailureTests(HubTestCase):
    def test_a_render_that_fails_is_logged_and_sends_nothing(self):
        def broken() -> Any:
            raise RuntimeError("no board today")

        with self.assertLogs("nitro_dispatch.live", logging.ERROR) as logs:
            subscriber = self.subscribe(feed(broken))
            assert wait_until(lambda: bool(logs.records))
        assert (logs.records[0].getMessage(), subscriber.next_blocking(0.2)) == (
            f"Live updates: rendering {broken!r} failed",
            "",
        )

    def test_an_on_message_that_fails_is_logged_and_sends_nothing(self):
        def broken(message: live.Message) -> Any:
            raise RuntimeError("unreadable")

        subscriber = self.subscribe(feed(Card.board, "chat", on_message=broken))
        subscriber.next_blocking(5)  # the snapshot
        with self.assertLogs("nitro_dispatch.live", logging.ERROR) as logs:
            live.publish("chat", {"text": "hi"})
            assert wait_until(lambda: bool(logs.records))
        assert (logs.records[0].getMessage(), subscriber.next_blocking(0.2)) == (
            f"Live updates: on_message {broken!r} failed",
            "",
        )

    @override_settings(NITRO_DISPATCH={**LIVE, "BROKER": "redis://127.0.0.1:1/0"})
    def test_a_stream_that_cannot_start_ends_and_says_why(self):
        reset_hub()
        with self.assertLogs("nitro_dispatch.live", logging.WARNING) as logs:
            response = self.client.get(reverse("nitro:card-watch"), headers=DS)
            body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
        # Nothing but heartbeats while it tried, then the end.
        assert (
            body.replace(b": ping\n\n", b""),
            "Live updates: a stream of ('cards',) could not start",
        ) == (
            b"",
            next(r.getMessage() for r in logs.records if r.levelno == logging.ERROR),
        )


class LeavingTests(HubTestCase):
    def test_a_stream_that_leaves_before_its_join_ends_leaves_no_group(self):
        subscriber = Subscriber(feed(), None, 64, None)

        def join_and_leave() -> None:  # in one go on the hub's loop: the join has not begun
            self.hub._start_join(subscriber)
            self.hub._leave(subscriber)

        self.hub.loop.call_soon_threadsafe(join_and_leave)
        assert wait_until(lambda: idle(self.hub))
        assert (self.hub.groups, self.hub.by_topic, RENDERS) == ({}, {}, [])

    def test_the_last_stream_of_a_group_to_leave_ends_the_group(self):
        subscribers = [self.subscribe() for _ in range(2)]
        for subscriber in subscribers:
            subscriber.next_blocking(5)
        self.hub.leave(subscribers[0])
        assert wait_until(lambda: idle(self.hub))
        kept = (len(self.hub.groups), set(self.hub.by_topic))
        self.hub.leave(subscribers[1])
        assert wait_until(lambda: idle(self.hub) and not self.hub.groups)
        assert (kept, self.hub.by_topic) == ((1, {"cards"}), {})

    @override_settings(NITRO_DISPATCH={**LIVE, "LIVE_THROTTLE": 60})
    def test_a_render_waiting_for_its_window_is_dropped_with_its_group(self):
        reset_hub()
        self.hub = get_hub()
        subscriber = self.subscribe()
        subscriber.next_blocking(5)
        Card.create(title="first")  # rendered at once
        assert wait_until(lambda: len(RENDERS) == 2)
        Card.create(title="second")  # waits a minute for its window
        self.hub.leave(subscriber)
        assert wait_until(lambda: idle(self.hub) and not self.hub.groups)
        assert RENDERS == ["board", "board"]


class SharedRenderTests(HubTestCase):
    def test_a_shared_render_has_no_request_of_any_viewer(self):
        from nitro_dispatch.responses import current_request

        seen: list[Any] = []

        def render() -> Any:
            seen.append(current_request.get())
            return None

        subscriber = self.subscribe(feed(render))
        assert subscriber.next_blocking(5) == f": nothing changed\nid: {self.epoch}~cards=0\n\n"
        assert seen == [None]

    def test_a_render_for_one_viewer_has_its_request(self):
        from nitro_dispatch.responses import current_request

        seen: list[Any] = []

        def render(request: Any) -> Any:
            seen.append((current_request.get(), request))
            return None

        made = feed(render)
        subscriber = self.subscribe(made)
        subscriber.next_blocking(5)
        assert seen == [(made.request, made.request)]


class SharedEventTests(HubTestCase):
    def test_viewers_at_the_same_positions_get_the_very_same_events(self):
        first, second = self.subscribe(), self.subscribe()
        first.next_blocking(5), second.next_blocking(5)  # their snapshots
        same = []
        for renders in (3, 4):  # the first after their own snapshots, the next after it
            Card.create(title=f"card {renders}")
            assert wait_until(lambda: idle(self.hub) and len(RENDERS) == renders)  # noqa: B023
            same.append(first.next_blocking(1) is second.next_blocking(1))
        assert same == [True, True]

    def test_subscribers_at_other_positions_get_the_ids_of_their_own(self):
        group = _Group(self.hub, "key", feed())
        behind, ahead = self.subscribe(), self.subscribe()
        behind.next_blocking(5), ahead.next_blocking(5)  # their snapshots
        behind.positions, ahead.positions = {"cards": 1}, {"cards": 1, "other": 4}
        rendered = {"cards": 3}  # as a render sends them: one for all
        sent: dict[Any, Any] = {}
        for subscriber in (behind, ahead):
            self.hub.offer(group, subscriber, "event: e\n\n", rendered, sent)
        assert (behind.next_blocking(1), ahead.next_blocking(1)) == (
            f"event: e\nid: {self.epoch}~cards=3\n\n",
            f"event: e\nid: {self.epoch}~cards=3,other=4\n\n",
        )

    def test_pages_opened_between_two_changes_get_the_very_same_snapshot(self):
        first = self.subscribe()
        snapshot = first.next_blocking(5)
        assert self.subscribe().next_blocking(5) is snapshot


class RenderConnectionTests(HubTestCase):
    def opened_by_a_render(self) -> Any:
        opened: list[Any] = []

        def render() -> Any:
            connection = connections["default"]
            connection.ensure_connection()
            opened.append(connection)
            return None

        self.subscribe(feed(render)).next_blocking(5)
        return opened[0]

    def test_a_render_closes_its_connection(self):
        assert self.opened_by_a_render().connection is None

    def test_a_render_keeps_its_connection_for_the_next_when_conn_max_age_allows(self):
        with mock.patch.dict(connections.settings["default"], {"CONN_MAX_AGE": 60}):
            connection = self.opened_by_a_render()
        kept = connection.connection is not None
        connection.inc_thread_sharing()  # closed here: the render's thread is idle
        connection.close()
        assert kept


class InMemoryDatabaseTests(HubTestCase):
    def test_a_render_closes_the_in_memory_sqlite_connection_it_opened(self):
        memory = {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
        opened: list[Any] = []

        def render() -> Any:
            connection = connections["memory"]
            connection.connect()  # not ensure_connection(): the test case allows no other alias
            opened.append(connection)
            return None

        settings = connections.configure_settings({"default": memory})["default"]
        with mock.patch.dict(connections.settings, {"memory": settings}):
            self.subscribe(feed(render)).next_blocking(5)
        assert [connection.connection for connection in opened] == [None]


class StreamEndTests(HubTestCase):
    def test_a_stream_read_through_the_test_client_ends_when_the_hub_stops(self):
        with Reader(self.client.get(reverse("nitro:card-watch"), headers=DS)) as reader:
            assert split(reader.next())[0].startswith("event: datastar-patch-elements")


class DuplicateTests(HubTestCase):
    def test_a_message_delivered_twice_is_handled_once(self):
        subscriber = self.subscribe()
        subscriber.next_blocking(5)
        Card.create(title="once")
        assert wait_until(lambda: idle(self.hub) and len(RENDERS) == 2)
        self.hub.deliver(live.Message("cards", 1, {}))  # read again from the log, say
        assert wait_until(lambda: idle(self.hub))
        assert RENDERS == ["board", "board"]


class _FailingOnce(MemoryBroker):
    """A broker (one of the project's own, say) whose listener has a bug the first time."""

    failed = False

    async def listen(self, deliver: Any, connected: Any) -> None:
        if not self.failed:
            self.failed = True
            raise RuntimeError("a bug in the broker")
        await super().listen(deliver, connected)


class ListenerFailureTests(SimpleTestCase):
    def test_a_listener_that_fails_is_logged_and_started_again(self):
        with self.assertLogs("nitro_dispatch.live", logging.ERROR) as logs:
            hub = Hub(_FailingOnce(10), queue_size=8, throttle=0)
            try:
                started = hub.connected.wait(10)
            finally:
                hub.stop()
        assert (started, [record.getMessage() for record in logs.records]) == (
            True,
            ["Live updates: the broker's listener failed; restarting it"],
        )


class GroupTests(HubTestCase):
    def test_a_group_leaving_a_topic_leaves_the_others_following_it(self):
        def other() -> Any:
            return None

        kept = self.subscribe(feed(other))
        gone = Subscriber(feed(), None, 64, None)
        self.hub.join(gone)
        kept.next_blocking(5)
        gone.next_blocking(5)
        self.hub.leave(gone)
        assert wait_until(lambda: idle(self.hub) and len(self.hub.groups) == 1)
        (group,) = self.hub.by_topic["cards"]
        assert group.feed.render is other


class SubscriberTests(SimpleTestCase):
    def test_an_async_subscriber_is_woken_once_for_what_comes_at_once(self):
        loop = asyncio.new_event_loop()
        try:
            subscriber = Subscriber(feed(), None, 8, loop)
            subscriber.offer("a")
            subscriber.offer("b")
            wakeups = len(loop._ready)  # type: ignore[attr-defined]  # callbacks waiting to run
            got = loop.run_until_complete(subscriber.next(1))
        finally:
            loop.close()
        assert (wakeups, got) == (1, "ab")

    def test_the_streams_of_one_loop_woken_at_once_cost_it_one_wake_up(self):
        loop = asyncio.new_event_loop()
        try:
            subscribers = [Subscriber(feed(), None, 8, loop) for _ in range(3)]
            for n, subscriber in enumerate(subscribers):
                subscriber.offer(str(n))
            wakeups = len(loop._ready)  # type: ignore[attr-defined]  # callbacks waiting to run
            got = [loop.run_until_complete(subscriber.next(1)) for subscriber in subscribers]
        finally:
            loop.close()
        assert (wakeups, got) == (1, ["0", "1", "2"])

    def test_a_stream_whose_loop_has_closed_is_offered_to_without_error(self):
        loop = asyncio.new_event_loop()
        subscriber = Subscriber(feed(), None, 8, loop)
        loop.close()
        assert (subscriber.offer("a"), subscriber.offer("b")) == (True, True)

    def test_a_loop_is_not_kept_alive_by_its_streams_wake_ups(self):
        loop = asyncio.new_event_loop()
        Subscriber(feed(), None, 8, loop).offer("a")
        loop.close()
        gone = weakref.ref(loop)
        del loop
        gc.collect()
        assert gone() is None

    def test_a_stream_whose_loop_is_gone_is_offered_to_without_error(self):
        loop = asyncio.new_event_loop()
        subscriber = Subscriber(feed(), None, 8, loop)
        loop.close()
        del loop
        gc.collect()
        assert subscriber.offer("a") is True

    def test_an_async_subscriber_waits_for_what_comes(self):
        async def scenario() -> str | None:
            subscriber = Subscriber(feed(), None, 8, asyncio.get_running_loop())
            asyncio.get_running_loop().call_later(0.05, subscriber.offer, "late")
            return await subscriber.next(5)

        assert asyncio.run(scenario()) == "late"

    def test_an_async_subscriber_that_failed_ends(self):
        async def scenario() -> str | None:
            subscriber = Subscriber(feed(), None, 8, asyncio.get_running_loop())
            subscriber.fail()
            return await subscriber.next(5)

        assert asyncio.run(scenario()) is None
