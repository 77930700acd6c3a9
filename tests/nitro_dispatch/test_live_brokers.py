"""The live brokers (memory, Redis, PostgreSQL) behind one contract, and what each adds to it.

The contract is written once (BrokerContract) and run against each broker. A broker's
coroutines run on an event loop of their own, in a thread, as the live hub runs them; publish()
is called from the test's thread, as a publisher calls it from its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import threading
import uuid
from collections.abc import Coroutine
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar
from unittest import mock

import psycopg
import pytest
import redis
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase, override_settings
from django.utils.connection import ConnectionDoesNotExist

from nitro_dispatch.live._topics import Message, event_id, parse_event_id
from nitro_dispatch.live.brokers import Broker, get_broker, reset_broker
from nitro_dispatch.live.brokers.memory import MemoryBroker
from nitro_dispatch.live.brokers.postgres import CHANNEL, TABLE, PostgresBroker
from nitro_dispatch.live.brokers.redis import PREFIX, RedisBroker
from tests.nitro_dispatch._caches import REDIS_URL
from tests.nitro_dispatch.live_client import wait_until

T = TypeVar("T")

ON_POSTGRES = connection.vendor == "postgresql"
NOT_POSTGRES = "PostgresBroker needs the test database on PostgreSQL (tests.settings_postgres)"

WHEN = datetime.datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=datetime.UTC)
KEY = uuid.UUID("12345678-1234-5678-1234-567812345678")
DJANGO_TYPES = {
    "when": WHEN,
    "day": WHEN.date(),
    "price": Decimal("1.50"),
    "key": KEY,
    "took": datetime.timedelta(minutes=1, seconds=30),
}
AS_JSON = {
    "when": "2024-05-06T07:08:09.123Z",
    "day": "2024-05-06",
    "price": "1.50",
    "key": "12345678-1234-5678-1234-567812345678",
    "took": "P0DT00H01M30S",
}


class LoopThread:
    """An event loop running in a thread of its own, like the live hub's."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], seconds: float = 10) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(seconds)

    def close(self) -> None:
        async def cancel_tasks() -> None:
            tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        self.run(cancel_tasks())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


class Listener:
    """*broker*'s listen() running on *loop*: the messages it delivered, and how many times it
    awaited connected()."""

    def __init__(self, broker: Broker, loop: LoopThread) -> None:
        self.broker = broker
        self.loop = loop
        self.messages: list[Message] = []
        self.threads: list[str] = []  # the thread each message was delivered in
        self.connections = 0
        self.task = loop.run(self._start())

    async def _start(self) -> asyncio.Task[None]:
        return asyncio.get_running_loop().create_task(
            self.broker.listen(self._deliver, self._connected)
        )

    def _deliver(self, message: Message) -> None:
        self.threads.append(threading.current_thread().name)
        self.messages.append(message)

    async def _connected(self) -> None:
        self.connections += 1

    def stop(self) -> None:
        async def cancel() -> None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task

        self.loop.run(cancel())


if TYPE_CHECKING:
    ContractBase = SimpleTestCase
else:
    ContractBase = object


class BrokerContract(ContractBase):
    """What every broker does; a subclass says how to make its broker."""

    # With the logs at TRIM_LOG messages, TRIMMED_AFTER messages of one topic are certain to
    # have trimmed it.
    TRIM_LOG: ClassVar[int]
    TRIMMED_AFTER: ClassVar[int]
    # Positions count per topic (1, 2, … for each), or across all of them (PostgreSQL's ids).
    PER_TOPIC: ClassVar[bool] = True

    def make_broker(self, log_size: int) -> Broker:
        raise NotImplementedError

    def setUp(self) -> None:
        super().setUp()
        self.loop = LoopThread()
        self.addCleanup(self.loop.close)

    def broker(self, log_size: int = 1000) -> Broker:
        broker = self.make_broker(log_size)
        self.addCleanup(lambda: self.loop.run(broker.aclose()))
        return broker

    def listen(self, broker: Broker) -> Listener:
        listener = Listener(broker, self.loop)
        self.addCleanup(listener.stop)
        assert wait_until(lambda: listener.connections == 1)
        return listener

    def positions(self, topics: list[str]) -> list[int]:
        """The positions a fresh broker gives messages published to *topics* in turn."""
        counts: dict[str, int] = {}
        found = []
        for number, topic in enumerate(topics, 1):
            counts[topic] = counts.get(topic, 0) + 1
            found.append(counts[topic] if self.PER_TOPIC else number)
        return found

    def publish_all(self, broker: Broker, topics: list[str]) -> list[Message]:
        return [broker.publish(topic, {"n": n}) for n, topic in enumerate(topics, 1)]

    # publish()

    def test_publish_gives_each_message_the_next_position(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "a", "b", "a"])
        one, two, three, four = self.positions(["a", "a", "b", "a"])
        assert published == [
            Message("a", one, {"n": 1}),
            Message("a", two, {"n": 2}),
            Message("b", three, {"n": 3}),
            Message("a", four, {"n": 4}),
        ]

    def test_published_data_is_what_json_makes_of_it(self) -> None:
        broker = self.broker()
        message = broker.publish("a", {"tags": ("x", "y"), "nested": {"n": None, "ok": True}})
        assert message.data == {"tags": ["x", "y"], "nested": {"n": None, "ok": True}}

    def test_django_types_are_published_as_djangojsonencoder_writes_them(self) -> None:
        broker = self.broker()
        assert broker.publish("a", DJANGO_TYPES).data == AS_JSON

    def test_the_published_data_is_a_copy(self):
        broker = self.broker()
        data: dict[str, Any] = {"n": 1}
        message = broker.publish("a", data)
        data["n"] = 2
        assert message.data == {"n": 1}

    def test_a_string_with_a_nul_character_is_published(self) -> None:
        broker = self.broker()
        broker.publish("a", {"text": "a\x00b"})
        assert self.loop.run(broker.since("a", 0)) == [
            Message("a", self.positions(["a"])[0], {"text": "a\x00b"})
        ]

    # heads()

    def test_heads_give_each_topics_last_position_and_0_for_an_unknown_one(self):
        broker = self.broker()
        self.publish_all(broker, ["a", "a", "b"])
        _, two, three = self.positions(["a", "a", "b"])
        _, heads = self.loop.run(broker.heads(["a", "b", "c"]))
        assert heads == {"a": two, "b": three, "c": 0}

    def test_heads_of_no_topics_are_empty(self):
        broker = self.broker()
        assert self.loop.run(broker.heads([]))[1] == {}

    def test_heads_of_a_generator_of_topics(self):
        broker = self.broker()
        self.publish_all(broker, ["a"])
        assert self.loop.run(broker.heads(topic for topic in ["a", "b"]))[1] == {"a": 1, "b": 0}

    def test_the_epoch_is_the_same_from_call_to_call(self):
        broker = self.broker()
        first, _ = self.loop.run(broker.heads(["a"]))
        self.publish_all(broker, ["a", "b"])
        second, _ = self.loop.run(broker.heads(["a", "b"]))
        assert (first, bool(first)) == (second, True)

    def test_the_epoch_reads_back_from_an_event_id(self):
        broker = self.broker()
        epoch, heads = self.loop.run(broker.heads(["a"]))
        assert parse_event_id(event_id(epoch, heads)) == (epoch, {"a": 0})

    # since()

    def test_since_gives_the_messages_after_a_position_in_order(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "b", "a", "a"])
        assert self.loop.run(broker.since("a", published[0].position)) == [
            published[2],
            published[3],
        ]

    def test_since_0_gives_every_message_of_the_topic(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "b", "a"])
        assert self.loop.run(broker.since("a", 0)) == [published[0], published[2]]

    def test_since_gives_the_data_as_published(self):
        broker = self.broker()
        published = broker.publish("a", {"text": "é ✓", "list": [1, 2.5, None], "deep": {"k": {}}})
        assert self.loop.run(broker.since("a", 0)) == [published]

    def test_since_gives_django_types_as_json(self) -> None:
        broker = self.broker()
        broker.publish("a", DJANGO_TYPES)
        assert [message.data for message in self.loop.run(broker.since("a", 0)) or []] == [AS_JSON]

    def test_since_the_head_gives_nothing(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "a"])
        assert self.loop.run(broker.since("a", published[-1].position)) == []

    def test_since_0_of_an_unknown_topic_gives_nothing(self):
        broker = self.broker()
        self.publish_all(broker, ["a"])
        assert self.loop.run(broker.since("b", 0)) == []

    def test_since_a_position_past_the_head_gives_none(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "a"])
        assert self.loop.run(broker.since("a", published[-1].position + 1)) is None

    def test_since_a_position_the_log_no_longer_follows_gives_none(self):
        broker = self.broker(self.TRIM_LOG)
        self.publish_all(broker, ["a"] * self.TRIMMED_AFTER)
        assert self.loop.run(broker.since("a", 0)) is None

    def test_since_a_position_the_log_still_follows_gives_the_rest(self):
        broker = self.broker(self.TRIM_LOG)
        published = self.publish_all(broker, ["a"] * self.TRIMMED_AFTER)
        assert self.loop.run(broker.since("a", self.TRIMMED_AFTER - 2)) == published[-2:]

    # listen()

    def test_a_listener_gets_each_message_in_order_once_connected(self):
        broker = self.broker()
        listener = self.listen(broker)
        published = self.publish_all(broker, ["a", "b", "a", "c", "a"])
        assert wait_until(lambda: len(listener.messages) >= 5)
        assert (listener.messages, listener.connections) == (published, 1)

    def test_a_listener_gets_django_types_as_json(self) -> None:
        broker = self.broker()
        listener = self.listen(broker)
        broker.publish("a", DJANGO_TYPES)
        assert wait_until(lambda: listener.messages)
        assert [message.data for message in listener.messages] == [AS_JSON]

    def test_messages_published_before_listening_are_only_in_the_log(self):
        broker = self.broker()
        before = self.publish_all(broker, ["a"])
        listener = self.listen(broker)
        after = broker.publish("a", {"n": 2})
        assert wait_until(lambda: listener.messages)
        assert (listener.messages, self.loop.run(broker.since("a", 0))) == (
            [after],
            [*before, after],
        )

    def test_a_listener_that_stopped_gets_nothing_more(self):
        broker = self.broker()
        listener = self.listen(broker)
        first = broker.publish("a", {"n": 1})
        assert wait_until(lambda: listener.messages)
        listener.stop()
        broker.publish("a", {"n": 2})
        assert listener.messages == [first]

    # aclose()

    def test_aclose_before_anything_was_read(self):
        broker = self.broker()
        assert self.loop.run(broker.aclose()) is None

    def test_a_broker_reads_again_after_aclose(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a"])
        epoch, _ = self.loop.run(broker.heads(["a"]))
        self.loop.run(broker.aclose())
        assert (self.loop.run(broker.heads(["a"])), self.loop.run(broker.since("a", 0))) == (
            (epoch, {"a": 1}),
            published,
        )


class MemoryBrokerTests(BrokerContract, SimpleTestCase):
    TRIM_LOG = 2
    TRIMMED_AFTER = 3

    def make_broker(self, log_size: int) -> Broker:
        return MemoryBroker(log_size)

    def test_each_memory_broker_has_an_epoch_of_its_own(self):
        first, second = self.broker(), self.broker()
        epochs = {self.loop.run(first.heads([]))[0], self.loop.run(second.heads([]))[0]}
        assert len(epochs) == 2

    def test_the_log_keeps_the_last_messages_of_each_topic(self):
        broker = self.broker(2)
        published = self.publish_all(broker, ["a", "a", "a", "b"])
        assert (self.loop.run(broker.since("a", 1)), self.loop.run(broker.since("b", 0))) == (
            published[1:3],
            [published[3]],
        )

    def test_a_message_is_delivered_in_the_publishers_thread(self):
        broker = self.broker()
        listener = self.listen(broker)
        publisher = threading.Thread(target=broker.publish, args=("a", {}), name="publisher")
        publisher.start()
        publisher.join(10)
        assert (listener.messages, listener.threads) == ([Message("a", 1, {})], ["publisher"])


def redis_or_skip() -> None:
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); .ci/run starts it.")
    finally:
        client.close()


class RedisBrokerTests(BrokerContract, SimpleTestCase):
    # XADD's MAXLEN ~ trims whole nodes of the stream (100 entries by default), so only far
    # more messages than the log keeps are sure to have trimmed it.
    TRIM_LOG = 10
    TRIMMED_AFTER = 500

    def setUp(self) -> None:
        redis_or_skip()
        super().setUp()
        self.name = f"test-{uuid.uuid4().hex}"
        self.prefix = f"test:{self.name}:"
        # Named, so that a test can find the listener's connection (CLIENT LIST).
        self.url = f"{REDIS_URL}?client_name={self.name}"
        self.redis = redis.Redis.from_url(REDIS_URL)
        self.addCleanup(self.redis.close)
        self.addCleanup(self.forget)

    def keys(self) -> set[str]:
        return {key.decode() for key in self.redis.scan_iter(match=f"{self.prefix}*")}

    def forget(self) -> None:
        """Delete this test's keys (never the others' of the database)."""
        keys = self.keys()
        if keys:
            self.redis.delete(*keys)

    def make_broker(self, log_size: int) -> Broker:
        broker = RedisBroker(self.url, log_size, prefix=self.prefix)
        self.addCleanup(broker._sync.close)
        return broker

    def test_the_keys_start_with_the_prefix(self):
        broker = self.broker()
        self.publish_all(broker, ["a"])
        self.loop.run(broker.heads(["b"]))
        assert self.keys() == {f"{self.prefix}epoch", f"{self.prefix}head:a", f"{self.prefix}log:a"}

    def test_the_default_prefix(self):
        broker = RedisBroker(REDIS_URL, 10)
        self.addCleanup(broker._sync.close)
        assert (broker.prefix, broker.channel) == (PREFIX, "nitro:live:messages")

    def test_losing_the_data_gives_a_new_epoch(self):
        broker = self.broker()
        self.publish_all(broker, ["a"])
        before, _ = self.loop.run(broker.heads(["a"]))
        self.forget()
        after, heads = self.loop.run(broker.heads(["a"]))
        assert (after != before, heads) == (True, {"a": 0})

    def test_publishing_after_losing_the_data_starts_a_new_epoch(self):
        broker = self.broker()
        self.publish_all(broker, ["a", "a"])
        before, _ = self.loop.run(broker.heads(["a"]))
        self.forget()
        message = broker.publish("a", {"n": 3})
        after, heads = self.loop.run(broker.heads(["a"]))
        assert (message, after != before, heads) == (Message("a", 1, {"n": 3}), True, {"a": 1})

    def test_a_log_that_lost_its_stream_gives_none(self):
        broker = self.broker()
        self.publish_all(broker, ["a", "a"])
        self.redis.delete(f"{self.prefix}log:a")
        assert self.loop.run(broker.since("a", 0)) is None

    def test_a_log_with_a_hole_gives_none(self):
        broker = self.broker()
        self.publish_all(broker, ["a", "a", "a"])
        self.redis.xdel(f"{self.prefix}log:a", "2-0")
        assert (self.loop.run(broker.since("a", 0)), self.loop.run(broker.since("a", 2))) == (
            None,
            [Message("a", 3, {"n": 3})],
        )

    def test_trimming_keeps_at_least_the_last_log_size_messages(self):
        broker = self.broker(self.TRIM_LOG)
        published = self.publish_all(broker, ["a"] * self.TRIMMED_AFTER)
        since = self.TRIMMED_AFTER - self.TRIM_LOG
        assert self.loop.run(broker.since("a", since)) == published[since:]

    def listen_keeping_pubsub(self, broker: Broker) -> tuple[Listener, Any]:
        """A listener of *broker*, and the redis-py PubSub it listens with."""
        assert isinstance(broker, RedisBroker)
        client = broker._client()
        made: list[Any] = []
        make = client.pubsub

        def pubsub(**kwargs: Any) -> Any:
            made.append(make(**kwargs))
            return made[-1]

        with mock.patch.object(client, "pubsub", pubsub):
            listener = self.listen(broker)
        return listener, made[0]

    def test_a_listener_ignores_what_is_not_a_message(self):
        broker = self.broker()
        listener, pubsub = self.listen_keeping_pubsub(broker)
        self.loop.run(pubsub.ping())  # its "pong" comes to the listener
        message = broker.publish("a", {"n": 1})
        assert wait_until(lambda: listener.messages)
        assert (listener.messages, listener.connections) == ([message], 1)

    def test_a_listener_whose_subscription_ended_subscribes_again(self):
        broker = self.broker()
        listener, pubsub = self.listen_keeping_pubsub(broker)
        self.loop.run(pubsub.unsubscribe())  # its listen() ends
        assert wait_until(lambda: listener.connections == 2)
        message = broker.publish("a", {"n": 1})
        assert wait_until(lambda: listener.messages)
        assert (listener.messages, pubsub.subscribed) == ([message], False)

    def test_a_listener_reconnects_after_its_connection_is_killed(self):
        broker = self.broker()
        with self.assertLogs("nitro_dispatch.live", logging.WARNING) as logs:
            listener = self.listen(broker)
            (mine,) = [
                client["id"]
                for client in self.redis.client_list(_type="pubsub")
                if client["name"] == self.name
            ]
            self.redis.client_kill_filter(_id=mine)
            assert wait_until(lambda: listener.connections == 2)
        message = broker.publish("a", {"n": 1})
        assert wait_until(lambda: listener.messages)
        warned = [
            (record.msg, record.args[0], type(record.args[1]))  # type: ignore[index]
            for record in logs.records
        ]
        assert (listener.messages, warned) == (
            [message],
            [
                (
                    "Live updates: Redis at %s: %s; reconnecting",
                    self.url,
                    redis.exceptions.ConnectionError,
                )
            ],
        )

    def test_a_listener_retries_while_redis_is_unreachable(self):
        broker = RedisBroker("redis://127.0.0.1:1/0", 10, prefix=self.prefix)
        self.addCleanup(broker._sync.close)
        self.addCleanup(lambda: self.loop.run(broker.aclose()))
        with self.assertLogs("nitro_dispatch.live", logging.WARNING) as logs:
            listener = Listener(broker, self.loop)
            assert wait_until(lambda: len(logs.records) >= 2)
            listener.stop()
        warned = [
            (record.msg, record.args[0], type(record.args[1]))  # type: ignore[index]
            for record in logs.records[:2]
        ]
        assert (warned, listener.connections) == (
            [
                (
                    "Live updates: Redis at %s: %s; reconnecting",
                    "redis://127.0.0.1:1/0",
                    redis.exceptions.ConnectionError,
                )
            ]
            * 2,
            0,
        )


@pytest.mark.skipif(not ON_POSTGRES, reason=NOT_POSTGRES)
class PostgresBrokerTests(BrokerContract, TransactionTestCase):
    TRIM_LOG = 2
    TRIMMED_AFTER = 64  # the table is trimmed when an id is a multiple of 64
    PER_TOPIC = False

    def setUp(self) -> None:
        # Each test starts without the table: a broker makes it, its ids start from 1.
        self.drop_table()
        self.addCleanup(self.drop_table)
        super().setUp()

    def drop_table(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")

    def make_broker(self, log_size: int) -> Broker:
        return PostgresBroker("default", log_size)

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def backends(self) -> list[int]:
        """The other connections to the test database: the broker's."""
        return [
            pid
            for (pid,) in self.query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
        ]

    def terminate(self, pid: int) -> None:
        assert self.query("SELECT pg_terminate_backend(%s, 10000)", [pid]) == [(True,)]

    def test_positions_are_the_ids_of_the_table_across_topics(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a", "b", "a"])
        ids = [id for (id,) in self.query(f"SELECT id FROM {TABLE} ORDER BY id")]
        assert ([message.position for message in published], ids) == ([1, 2, 3], [1, 2, 3])

    def test_the_first_publish_makes_the_table(self):
        broker = self.broker()
        broker.publish("a", {"n": 1})
        assert self.query(f"SELECT id, topic, data::text FROM {TABLE}") == [(1, "a", '{"n":1}')]

    def test_the_first_read_makes_the_table(self):
        broker = self.broker()
        self.loop.run(broker.heads(["a"]))
        assert self.query("SELECT to_regclass(%s) IS NOT NULL", [TABLE]) == [(True,)]

    def test_the_epoch_is_the_tables_oid(self):
        broker = self.broker()
        epoch, _ = self.loop.run(broker.heads([]))
        assert [(epoch,)] == self.query("SELECT %s::regclass::oid::text", [TABLE])

    def test_a_table_made_again_gives_a_new_epoch(self):
        first = self.broker()
        before, _ = self.loop.run(first.heads([]))
        self.loop.run(first.aclose())
        self.drop_table()
        after, _ = self.loop.run(self.broker().heads([]))
        assert (after != before, [(after,)]) == (
            True,
            self.query("SELECT %s::regclass::oid::text", [TABLE]),
        )

    def test_notify_carries_only_the_messages_id(self):
        broker = self.broker()
        database = connection.settings_dict
        with psycopg.connect(
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            dbname=database["NAME"],
            autocommit=True,
        ) as listening:
            listening.execute(f"LISTEN {CHANNEL}")
            message = broker.publish("a", {"text": "x" * 100})
            notified = [
                (notify.channel, notify.payload)
                for notify in listening.notifies(timeout=10, stop_after=1)
            ]
        assert notified == [(CHANNEL, str(message.position))]

    def test_a_message_larger_than_a_notify_payload_is_delivered(self):
        broker = self.broker()
        listener = self.listen(broker)
        message = broker.publish("a", {"text": "x" * 10_000})
        assert wait_until(lambda: listener.messages)
        assert listener.messages == [message]

    def test_the_table_is_trimmed_only_when_an_id_is_a_multiple_of_64(self):
        broker = self.broker(2)
        self.publish_all(broker, ["a"] * 63)
        before = self.query(f"SELECT count(*) FROM {TABLE}")
        broker.publish("a", {})
        assert (before, self.query(f"SELECT id FROM {TABLE} ORDER BY id")) == (
            [(63,)],
            [(63,), (64,)],
        )

    def test_the_log_keeps_the_last_messages_of_all_topics_together(self):
        # One log for every topic: once other topics' messages were trimmed, a gap of "a"
        # cannot be told complete, even when "a" had nothing in it.
        broker = self.broker(2)
        first = broker.publish("a", {"n": 1})
        self.publish_all(broker, ["b"] * 63)
        since = self.loop.run(broker.since("a", 0)), self.loop.run(broker.since("a", 1))
        assert (first.position, since) == (1, (None, None))

    def test_a_listener_reconnects_when_its_backend_is_terminated(self):
        broker = self.broker()
        with self.assertLogs("nitro_dispatch.live", logging.WARNING) as logs:
            listener = self.listen(broker)
            (pid,) = self.backends()
            self.terminate(pid)
            assert wait_until(lambda: listener.connections == 2)
        message = broker.publish("a", {"n": 1})
        assert wait_until(lambda: listener.messages)
        warned = [
            (record.msg, record.args[0], isinstance(record.args[1], psycopg.OperationalError))  # type: ignore[index]
            for record in logs.records
        ]
        assert (listener.messages, warned) == (
            [message],
            [("Live updates: PostgreSQL (%s): %s; reconnecting", "default", True)],
        )

    def test_a_read_on_a_dropped_connection_fails_and_the_next_one_reconnects(self):
        broker = self.broker()
        published = self.publish_all(broker, ["a"])
        self.loop.run(broker.heads(["a"]))
        (pid,) = self.backends()
        self.terminate(pid)
        with pytest.raises(psycopg.OperationalError):
            self.loop.run(broker.heads(["a"]))
        assert (self.loop.run(broker.since("a", 0)), self.backends() != [pid]) == (
            published,
            True,
        )


@pytest.mark.skipif(ON_POSTGRES, reason="the database is PostgreSQL: PostgresBrokerTests")
class PostgresRefusalTests(SimpleTestCase):
    MESSAGE = (
        "NITRO_DISPATCH['BROKER'] is 'postgres', but the database 'default' is sqlite: use a "
        "PostgreSQL alias ('postgres:<alias>'), a Redis URL, or 'memory'."
    )

    def test_a_database_that_is_not_postgresql_is_refused(self):
        with pytest.raises(ImproperlyConfigured) as caught:
            PostgresBroker("default", 10)
        assert str(caught.value) == self.MESSAGE

    def test_the_postgres_setting_on_sqlite_is_refused(self):
        with (
            override_settings(NITRO_DISPATCH={"BROKER": "postgres"}),
            pytest.raises(ImproperlyConfigured) as caught,
        ):
            get_broker()
        assert str(caught.value) == self.MESSAGE


class PsycopgVersionTests(SimpleTestCase):
    def test_a_psycopg_older_than_3_2_is_refused(self):
        # notifies(timeout=, stop_after=) came with psycopg 3.2.
        with (
            mock.patch("psycopg.__version__", "3.1.19"),
            pytest.raises(ImproperlyConfigured) as caught,
        ):
            PostgresBroker("default", 10)
        assert str(caught.value) == (
            "NITRO_DISPATCH['BROKER'] is 'postgres', which needs psycopg 3.2 or newer, not "
            "3.1.19: pip install 'psycopg>=3.2'."
        )


class GetBrokerTests(SimpleTestCase):
    def test_the_default_is_a_memory_broker_keeping_live_log_messages(self):
        with override_settings(NITRO_DISPATCH={"LIVE_LOG": 2}):
            broker = get_broker()
            published = [broker.publish("a", {"n": n}) for n in range(3)]
            since = asyncio.run(broker.since("a", 0)), asyncio.run(broker.since("a", 1))
        assert (type(broker), since) == (MemoryBroker, (None, published[1:]))

    def test_get_broker_gives_the_same_broker_each_time(self):
        with override_settings(NITRO_DISPATCH={}):
            assert get_broker() is get_broker()

    def test_reset_broker_makes_the_next_one_anew(self):
        with override_settings(NITRO_DISPATCH={}):
            first = get_broker()
            reset_broker()
            assert get_broker() is not first

    def test_changing_the_setting_gives_a_new_broker(self):
        with override_settings(NITRO_DISPATCH={"LIVE_LOG": 5}):
            first = get_broker()
            with override_settings(NITRO_DISPATCH={"LIVE_LOG": 6}):
                second = get_broker()
            third = get_broker()
        assert len({id(first), id(second), id(third)}) == 3

    def test_changing_another_setting_keeps_the_broker(self):
        with override_settings(NITRO_DISPATCH={}):
            first = get_broker()
            with override_settings(USE_THOUSAND_SEPARATOR=True):
                assert get_broker() is first

    def test_a_redis_url_gives_a_redis_broker(self):
        with override_settings(NITRO_DISPATCH={"BROKER": REDIS_URL}):
            broker = get_broker()
        assert isinstance(broker, RedisBroker)
        self.addCleanup(broker._sync.close)
        assert (broker.url, broker.prefix) == (REDIS_URL, PREFIX)

    def test_postgres_uses_the_entities_database(self):
        with (
            override_settings(NITRO_DISPATCH={"BROKER": "postgres", "DATABASE": "elsewhere"}),
            pytest.raises(ConnectionDoesNotExist) as caught,
        ):
            get_broker()
        assert str(caught.value) == "The connection 'elsewhere' doesn't exist."

    def test_postgres_with_an_alias_uses_that_database(self):
        with (
            override_settings(NITRO_DISPATCH={"BROKER": "postgres:elsewhere"}),
            pytest.raises(ConnectionDoesNotExist) as caught,
        ):
            get_broker()
        assert str(caught.value) == "The connection 'elsewhere' doesn't exist."

    @pytest.mark.skipif(not ON_POSTGRES, reason=NOT_POSTGRES)
    def test_postgres_gives_a_postgres_broker(self):
        with override_settings(NITRO_DISPATCH={"BROKER": "postgres:default"}):
            broker = get_broker()
        assert isinstance(broker, PostgresBroker)
        assert broker.alias == "default"
