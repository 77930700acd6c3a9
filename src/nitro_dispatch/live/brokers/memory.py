"""The broker of one process: for ``runserver`` and tests, where every stream is in it."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from nitro_dispatch.live._topics import Message

from . import Broker, Deliver, encode

__all__ = ["MemoryBroker"]


class MemoryBroker(Broker):
    """Messages kept in this process, *log_size* per topic; its epoch is new in each process."""

    def __init__(self, log_size: int) -> None:
        self.epoch = uuid.uuid4().hex[:12]
        self._log_size = log_size
        self._lock = threading.Lock()
        self._logs: dict[str, deque[Message]] = {}
        self._heads: dict[str, int] = {}
        self._deliver: Deliver | None = None

    def publish(self, topic: str, data: Mapping[str, Any]) -> Message:
        # As the other brokers send it: what works here works with them.
        _, sent = encode(data)
        # Delivered under the lock, so the hub gets each topic's messages in order.
        with self._lock:
            message = Message(topic, self._heads.get(topic, 0) + 1, sent)
            self._heads[topic] = message.position
            log = self._logs.get(topic)
            if log is None:
                log = self._logs[topic] = deque(maxlen=self._log_size)
            log.append(message)
            if self._deliver is not None:
                self._deliver(message)
        return message

    async def listen(self, deliver: Deliver, connected: Callable[[], Awaitable[None]]) -> None:
        with self._lock:
            self._deliver = deliver
        try:
            await connected()
            await asyncio.Event().wait()  # messages come through publish()
        finally:
            with self._lock:
                self._deliver = None

    async def heads(self, topics: Iterable[str]) -> tuple[str, dict[str, int]]:
        with self._lock:
            return self.epoch, {topic: self._heads.get(topic, 0) for topic in topics}

    async def aclose(self) -> None:
        pass  # it holds no connection

    async def since(self, topic: str, position: int) -> list[Message] | None:
        with self._lock:
            head = self._heads.get(topic, 0)
            log = list(self._logs.get(topic, ()))
        if position > head:
            return None  # a position this log never had
        missed = [message for message in log if message.position > position]
        if len(missed) < head - position:
            return None  # some have left the log
        return missed
