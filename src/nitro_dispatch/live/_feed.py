"""What a stream action returns: the topics it follows and how it renders them."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

__all__ = ["Feed", "takes_request"]


@cache
def _parameters(function: Callable[..., Any]) -> frozenset[str]:
    return frozenset(inspect.signature(function).parameters)


def takes_request(function: Callable[..., Any]) -> bool:
    """Whether *function* has a ``request`` parameter (so depends on the viewer)."""
    try:
        return "request" in _parameters(function)
    except TypeError:  # unhashable callables
        return "request" in inspect.signature(function).parameters


@dataclass(frozen=True, eq=False)
class Feed:
    """A live stream, as :func:`nitro_dispatch.live.stream` made it for *request*."""

    topics: tuple[str, ...]
    render: Callable[..., Any]
    on_message: Callable[..., Any] | None
    context: dict[str, Any]
    request: HttpRequest
    language: str | None

    def share_key(self) -> Hashable | None:
        """What streams rendering the same thing have in common, or None for one whose
        patches depend on its viewer (a ``render`` or ``on_message`` taking ``request``)."""
        if takes_request(self.render) or (
            self.on_message is not None and takes_request(self.on_message)
        ):
            return None
        key = (self.topics, self.render, self.on_message, self.language,
               tuple(sorted(self.context.items())))  # fmt: skip
        try:
            hash(key)
        except TypeError:  # a context value that cannot be compared: rendered per stream
            return None
        return key

    def call(self, function: Callable[..., Any], *args: Any) -> Any:
        """*function* called with *args*, the context and, if it takes it, the request."""
        if takes_request(function):
            return function(*args, request=self.request, **self.context)
        return function(*args, **self.context)

    def to_response(self) -> HttpResponseBase:
        """The ``text/event-stream`` response that follows the topics."""
        from ._response import live_response

        return live_response(self)
