"""Reading live streams through Django's test client (the WSGI path), event by event."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any

from nitro_dispatch.streams import HEARTBEAT

DS = {"Datastar-Request": "true"}


def wait_until(condition: Callable[[], object], seconds: float = 10) -> bool:
    """Whether *condition()* holds within *seconds* (asked every 10 ms)."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def split(text: str) -> list[str]:
    """The events (heartbeats left out) in a chunk of a stream, each without its blank line."""
    return [event for event in text.split("\n\n") if event and event + "\n\n" != HEARTBEAT]


class Reader:
    """Reads a streamed test-client *response* in a thread of its own.

    The stream's generator runs in that thread, so it is closed there too: give the stream a
    short HEARTBEAT, so the thread sees close() within one.
    """

    def __init__(self, response: Any) -> None:
        self.response = response
        self._events: queue.Queue[str] = queue.Queue()
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for chunk in self.response.streaming_content:
                for found in split(chunk.decode()):
                    self._events.put(found)
                if self._stop.is_set():
                    break
        finally:
            try:
                self.response.close()  # closes the stream's generator, in this thread
            finally:
                self._ended.set()

    def next(self, timeout: float = 10) -> str:
        """The next event; AssertionError if none comes within *timeout* seconds."""
        try:
            return self._events.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no event within {timeout} s") from None

    def take(self, count: int, timeout: float = 10) -> list[str]:
        """The next *count* events."""
        return [self.next(timeout) for _ in range(count)]

    def quiet(self, seconds: float = 0.3) -> list[str]:
        """The events that come within *seconds* (none, if nothing is sent)."""
        deadline = time.monotonic() + seconds
        found: list[str] = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                found.append(self._events.get(timeout=left))
            except queue.Empty:
                break
        return found

    def close(self) -> None:
        """Stop reading and close the stream, as a client that leaves."""
        self._stop.set()
        assert self._ended.wait(10), "the stream did not end"

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
