"""Datastar's server-sent events, framed so that every string arrives exactly as it was sent.

An event is ``event: <type>`` then ``data: <key> <value>`` lines. The client splits the stream at
CR, LF and CRLF only, and joins the lines of one key with LF, so a value is split at exactly those
breaks and nowhere else. (datastar-py splits with ``str.splitlines()``, which also breaks at
U+2028, U+2029, U+0085 and five control characters: such a character in a title arrived as a
newline, and one inside a JSON string made the signals unreadable.) No value can add a line of
its own, whatever it holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

__all__ = ["PATCH_ELEMENTS", "PATCH_SIGNALS", "event"]

PATCH_ELEMENTS: Final = "datastar-patch-elements"
PATCH_SIGNALS: Final = "datastar-patch-signals"

# The line breaks of the SSE grammar (https://html.spec.whatwg.org/#parsing-an-event-stream).
_BREAKS: Final = re.compile(r"\r\n|\r|\n")


def event(kind: str, data: Iterable[tuple[str, str]]) -> str:
    """One event of type *kind* whose data lines are the ``(key, value)`` pairs of *data*."""
    lines = [f"event: {kind}\n"]
    for key, value in data:
        lines.extend(f"data: {key} {line}\n" for line in _BREAKS.split(value))
    lines.append("\n")
    return "".join(lines)
