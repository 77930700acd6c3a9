"""The Redis broker: ``PUBLISH`` to every process, each topic's log in a capped Redis stream.

One Lua script appends the message to the topic's stream (``XADD … MAXLEN ~ LIVE_LOG``), under
the next position of the topic's counter, and publishes it on one channel, so positions,
the log and delivery agree. Each process listens with one connection. A random epoch, kept in
Redis, changes when Redis loses its data (a restart without persistence, a ``FLUSHDB``): pages
that saw the old one get a snapshot.

Needs the ``redis`` package (``pip install django-rustytags[redis]``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured

from nitro_dispatch.live._topics import Message

from . import Broker, Deliver, encode

try:
    import redis
    import redis.asyncio as aioredis
except ImportError as exc:  # pragma: no cover - the test environments have it
    raise ImproperlyConfigured(
        "NITRO_DISPATCH['BROKER'] names Redis, which needs the redis package: "
        "pip install 'django-rustytags[redis]'."
    ) from exc

__all__ = ["RedisBroker"]

logger = logging.getLogger("nitro_dispatch.live")

PREFIX: Final = "nitro:live:"

_PUBLISH: Final = """
redis.call('SET', KEYS[3], ARGV[4], 'NX')
local position = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], position .. '-0', 'd', ARGV[1])
redis.call('PUBLISH', ARGV[5], ARGV[3] .. '\\n' .. position .. '\\n' .. ARGV[1])
return position
"""


def _position(entry_id: bytes) -> int:
    return int(entry_id.partition(b"-")[0])


class RedisBroker(Broker):
    """Messages through the Redis server at *url*, the last *log_size* of each topic kept,
    under keys starting with *prefix*."""

    def __init__(self, url: str, log_size: int, prefix: str = PREFIX) -> None:
        self.url = url
        self._log_size = log_size
        self.prefix = prefix
        self.channel = f"{prefix}messages"
        self._epoch = f"{prefix}epoch"
        self._sync = redis.Redis.from_url(url)
        self._script = self._sync.register_script(_PUBLISH)
        self._async: aioredis.Redis | None = None

    def _counter(self, topic: str) -> str:
        return f"{self.prefix}head:{topic}"

    def _log(self, topic: str) -> str:
        return f"{self.prefix}log:{topic}"

    def _client(self) -> aioredis.Redis:
        # Made on the hub's loop, the only one that uses it.
        if self._async is None:
            self._async = aioredis.Redis.from_url(self.url)
        return self._async

    def publish(self, topic: str, data: Mapping[str, Any]) -> Message:
        payload, sent = encode(data)
        keys = [self._counter(topic), self._log(topic), self._epoch]
        position = self._script(
            keys=keys, args=[payload, self._log_size, topic, uuid.uuid4().hex[:12], self.channel]
        )
        return Message(topic, int(position), sent)

    async def listen(self, deliver: Deliver, connected: Callable[[], Awaitable[None]]) -> None:
        delay = 0.1
        while True:
            pubsub = self._client().pubsub()
            try:
                await pubsub.subscribe(self.channel)
                async for item in pubsub.listen():
                    if item["type"] == "subscribe":
                        # Subscribed (again, after redis-py reconnected): from here on nothing
                        # is missed; what was sent before is in the logs.
                        await connected()
                        delay = 0.1
                    elif item["type"] == "message":
                        topic, position, payload = item["data"].split(b"\n", 2)
                        deliver(Message(topic.decode(), int(position), json.loads(payload)))
            except (redis.RedisError, OSError) as exc:
                logger.warning("Live updates: Redis at %s: %s; reconnecting", self.url, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def heads(self, topics: Iterable[str]) -> tuple[str, dict[str, int]]:
        names = list(topics)
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.set(self._epoch, uuid.uuid4().hex[:12], nx=True)
            pipe.get(self._epoch)
            for topic in names:
                pipe.get(self._counter(topic))
            _, epoch, *counts = await pipe.execute()
        return epoch.decode(), {topic: int(n or 0) for topic, n in zip(names, counts, strict=True)}

    async def since(self, topic: str, position: int) -> list[Message] | None:
        async with self._client().pipeline(transaction=True) as pipe:
            pipe.get(self._counter(topic))
            pipe.xrange(self._log(topic), "-", "+", count=1)
            pipe.xrange(self._log(topic), f"({position}-0", "+")
            head, first, entries = await pipe.execute()
        head = int(head or 0)
        if position > head:
            return None
        if position == head:
            return []
        if not first or _position(first[0][0]) > position + 1:
            return None  # trimmed past it
        missed = [
            Message(topic, _position(entry), json.loads(fields[b"d"])) for entry, fields in entries
        ]
        return missed if len(missed) == head - position else None

    async def aclose(self) -> None:
        if self._async is not None:
            await self._async.aclose()
            self._async = None
