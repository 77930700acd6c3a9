"""A helper that uses only rusty-tags' Datastar expressions, not its tags."""

from __future__ import annotations

import rusty_tags.datastar as ds
from rusty_tags.datastar import Signal

from rustytags_backend.html import HtmlString, Span

COUNT = Signal("count", 0)


def counter() -> HtmlString:
    return Span(text=str(COUNT), data_on_click=str(ds.js("$count++")))
