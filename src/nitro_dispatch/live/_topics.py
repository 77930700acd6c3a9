"""Topics, the messages published to them, and the SSE ids that say what a page has seen."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

__all__ = ["Message", "check_topic", "event_id", "parse_event_id"]

# Names travel in Redis keys, in NOTIFY payloads and in SSE ids (where "~", "," and "=" are
# the separators), so they keep to a small alphabet.
_TOPIC: Final = re.compile(r"[A-Za-z0-9_.:\-]{1,200}")
_POSITION: Final = re.compile(r"([A-Za-z0-9_.:\-]{1,200})=([0-9]{1,18})")
_EPOCH: Final = re.compile(r"[A-Za-z0-9]{1,40}")


def check_topic(topic: object) -> str:
    """*topic* if it is a valid topic name; else a ValueError (or TypeError) saying why."""
    if not isinstance(topic, str):
        raise TypeError(f"A live topic is a string, not {topic!r}.")
    if not _TOPIC.fullmatch(topic):
        raise ValueError(
            f"A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not {topic!r}: "
            'build it from ids (f"todos.{owner.id}"), not from free text.'
        )
    return topic


@dataclass(frozen=True)
class Message:
    """What was published to *topic*: its *position* there (1, 2, …) and its *data*."""

    topic: str
    position: int
    data: Mapping[str, Any] = field(default_factory=dict)


def event_id(epoch: str, positions: Mapping[str, int]) -> str:
    """The SSE id of an event sent once the messages up to *positions* had been seen.

    The *epoch* names the broker's log: positions of another (a Redis flushed, another
    broker) say nothing about this one.
    """
    return epoch + "~" + ",".join(f"{topic}={positions[topic]}" for topic in sorted(positions))


def parse_event_id(value: str | None) -> tuple[str, dict[str, int]] | None:
    """The epoch and positions in a ``Last-Event-ID`` header; None for anything else."""
    if not value or len(value) > 4096:
        return None
    epoch, tilde, rest = value.partition("~")
    if not tilde or not _EPOCH.fullmatch(epoch):
        return None
    positions: dict[str, int] = {}
    for part in rest.split(",") if rest else ():
        found = _POSITION.fullmatch(part)
        if found is None:
            return None
        positions[found[1]] = int(found[2])
    return epoch, positions
