"""The response of a live stream: the subscriber's inbox, sent as it fills, with heartbeats."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

from django.core.handlers.asgi import ASGIRequest
from django.http import StreamingHttpResponse

from nitro_dispatch.conf import get_settings
from nitro_dispatch.streams import HEARTBEAT, _release_thread, close_connections, event_stream

from ._feed import Feed
from ._hub import get_hub
from ._subscriber import Subscriber
from ._topics import parse_event_id

__all__ = ["live_response"]


def live_response(feed: Feed) -> StreamingHttpResponse:
    """Stream *feed* to its request's client (nothing for a HEAD request)."""
    request = feed.request
    if request.method == "HEAD":
        return event_stream(request, iter(()))
    settings = get_settings()
    # The URL patterns tried before this one, kept for Django's 404 page: an open stream needs
    # none of them (a long list costs each stream kilobytes for hours).
    match = getattr(request, "resolver_match", None)
    if match is not None:
        match.tried = []
    # Sent by the client when it reconnects (Datastar sends the header; EventSource too).
    last_seen = parse_event_id(request.headers.get("Last-Event-ID"))
    if isinstance(request, ASGIRequest):
        content: Iterator[str] | AsyncIterator[str] = _async(
            feed, last_seen, settings.LIVE_QUEUE, settings.HEARTBEAT
        )
    else:
        close_connections()  # the view's: a waiting stream holds none
        content = _sync(Subscriber(feed, last_seen, settings.LIVE_QUEUE, None), settings.HEARTBEAT)
    return event_stream(request, content)


async def _async(
    feed: Feed, last_seen: tuple[str, dict[str, int]] | None, size: int, heartbeat: float
) -> AsyncIterator[str]:
    # Made here, on the server's loop, which the subscriber's wake-ups go to.
    subscriber = Subscriber(feed, last_seen, size, asyncio.get_running_loop())
    hub = get_hub()
    await _release_thread()  # the request's thread and its connections
    hub.join(subscriber)
    try:
        while (text := await subscriber.next(heartbeat)) is not None:
            yield text or HEARTBEAT
            text = None  # not kept while the stream waits
    finally:
        hub.leave(subscriber)


def _sync(subscriber: Subscriber, heartbeat: float) -> Iterator[str]:
    hub = get_hub()
    hub.join(subscriber)
    try:
        while (text := subscriber.next_blocking(heartbeat)) is not None:
            yield text or HEARTBEAT
            text = None  # not kept while the stream waits
    finally:
        hub.leave(subscriber)
