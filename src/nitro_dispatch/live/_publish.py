"""Publishing: a message to a topic, sent once the transaction it belongs to has committed."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from asgiref.sync import sync_to_async
from django.db import connections

from nitro_dispatch._async import bridged_connection
from nitro_dispatch.conf import get_settings

from ._topics import check_topic
from .brokers import get_broker

__all__ = ["apublish", "publish", "send_now"]

logger = logging.getLogger("nitro_dispatch.live")


def send_now(topic: str, data: Mapping[str, Any]) -> None:
    """Publish at once (the change is committed): through the broker, to every process."""
    try:
        message = get_broker().publish(topic, data)
    except Exception:
        # The change is saved whatever happens here; the pages show it with the topic's next
        # message. (A process that only publishes starts no hub: streams start it.)
        logger.exception("Live updates: publishing to %r failed", topic)
        return
    logger.debug("Live updates: published %r #%d", topic, message.position)


def publish(topic: str, data: Mapping[str, Any] | None = None, *, using: str | None = None) -> None:
    """Publish *data* (a dict that JSON can encode) to *topic*, for every open stream
    following it, in every process.

    Inside a transaction (an action's, ``transaction.atomic()``) it is sent once the
    transaction commits, and never if it rolls back; otherwise at once. *using* names the
    database alias whose transaction counts (``NITRO_DISPATCH["DATABASE"]`` by default).
    """
    check_topic(topic)
    payload: Mapping[str, Any] = {} if data is None else data
    if not isinstance(payload, Mapping):
        raise TypeError(f"publish() sends a dict of data, not {payload!r}.")
    alias = using or get_settings().DATABASE
    # An async action's transaction is on the connection of the thread that waits for it.
    connection = bridged_connection(alias) or connections[alias]
    connection.on_commit(partial(send_now, topic, dict(payload)), robust=True)


async def apublish(
    topic: str, data: Mapping[str, Any] | None = None, *, using: str | None = None
) -> None:
    """:func:`publish` for async code (an async view, a consumer)."""
    await sync_to_async(publish)(topic, data, using=using)
