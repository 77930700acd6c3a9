"""Brokers carry published messages to every process that has live streams open.

A broker keeps, per topic, the position of the last message and a bounded log of the latest
ones (``LIVE_LOG``), so a stream that reconnects gets what it missed. Three are built in,
chosen by ``NITRO_DISPATCH["BROKER"]``:

- ``"memory"``: this process only (``runserver``, tests);
- a Redis URL: ``PUBLISH`` to every process, with each topic's log in a capped Redis stream;
- ``"postgres"``: ``NOTIFY`` carrying only the message's id (NOTIFY's payloads are limited to
  8,000 bytes), the messages themselves in a table.
"""

from __future__ import annotations

import abc
import json
from collections.abc import Awaitable, Callable, Iterable, Mapping
from functools import cache
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from nitro_dispatch.conf import get_settings
from nitro_dispatch.live._topics import Message

__all__ = ["Broker", "Deliver", "encode", "get_broker", "reset_broker"]

Deliver = Callable[[Message], None]


def encode(data: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """*data* as the JSON every broker sends (Django's encoder: dates, decimals, UUIDs), and
    as subscribers get it back, whichever the broker."""
    text = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"))
    return text, json.loads(text)


class Broker(abc.ABC):
    """How messages get from publishers to every process's streams.

    ``publish()`` is called by publishers, in their own thread, once their transaction has
    committed; the other methods run on the live hub's event loop (see _hub.py).
    """

    @abc.abstractmethod
    def publish(self, topic: str, data: Mapping[str, Any]) -> Message:
        """Append a message to *topic*'s log and send it to every process; return it."""

    @abc.abstractmethod
    async def listen(self, deliver: Deliver, connected: Callable[[], Awaitable[None]]) -> None:
        """Call *deliver* with each message published, in order per topic, for ever.

        *connected* is awaited each time the broker (re)connects: messages sent while it was
        away were not delivered, and the hub catches up from the logs.
        """

    @abc.abstractmethod
    async def heads(self, topics: Iterable[str]) -> tuple[str, dict[str, int]]:
        """The log's epoch, and the position of the last message of each of *topics*."""

    @abc.abstractmethod
    async def since(self, topic: str, position: int) -> list[Message] | None:
        """The messages of *topic* after *position*, or None if the log no longer has all of
        them."""

    @abc.abstractmethod
    async def aclose(self) -> None:
        """Let go of the connections the listener and the reads opened."""


@cache
def get_broker() -> Broker:
    """The broker ``NITRO_DISPATCH["BROKER"]`` names (one per process)."""
    settings = get_settings()
    name = settings.BROKER
    if name == "memory":
        from .memory import MemoryBroker

        return MemoryBroker(settings.LIVE_LOG)
    if name == "postgres" or name.startswith("postgres:"):
        from .postgres import PostgresBroker

        return PostgresBroker(name.partition(":")[2] or settings.DATABASE, settings.LIVE_LOG)
    from .redis import RedisBroker

    return RedisBroker(name, settings.LIVE_LOG)


def reset_broker() -> None:
    """Forget the broker, so the next get_broker() reads the setting again."""
    get_broker.cache_clear()
