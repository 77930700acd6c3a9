"""Live updates: changes published to topics, pushed to every page following them.

Publish from anywhere (an action, the admin, a management command, a signal handler)::

    from nitro_dispatch import live

    live.publish("todos", {"id": todo.id})  # sent once the transaction commits

or let an entity publish its own changes (created, saved, deleted; after commit)::

    class Todo(Entity, table=True):
        broadcasts: ClassVar = "todos"  # or lambda todo: f"todos.user.{todo.owner_id}"

and follow topics from a stream action, which a page opens with ``data-init="@get(...)"``::

    @classmethod
    @get()
    def updates(cls, filter: str = "all"):
        return live.stream("todos", render=todo_list_patches, filter=filter)

The stream sends a snapshot (``render(**context)``'s patches) when it opens, then renders
again after each change; a ``render`` that does not take ``request`` is rendered once per
change for every page showing the same thing. ``on_message(message, **context)``, if given,
turns each message into patches instead (a chat's new line), and a page that reconnects
with ``Last-Event-ID`` gets the messages it missed. Messages travel between processes
through the broker ``NITRO_DISPATCH["BROKER"]`` names: see :mod:`nitro_dispatch.live.brokers`
and docs/live.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import translation

from nitro_dispatch.params import BadRequest

from ._feed import Feed
from ._guards import allow, check_allowed
from ._publish import apublish, publish
from ._topics import Message, check_topic

__all__ = ["Feed", "Message", "allow", "apublish", "check_topic", "publish", "stream"]


def stream(
    *topics: str,
    render: Callable[..., Any],
    on_message: Callable[..., Any] | None = None,
    **context: Any,
) -> Feed:
    """A live stream of *topics*, for a GET action to return.

    *render* is called with the *context* (and ``request=``, if it takes it) and returns what
    an action may return: markup, ``fragment()``, ``signals()``, a list of them. It gives the
    snapshot a page gets when it connects, and is called again after changes (at most once
    per ``LIVE_THROTTLE`` seconds). *on_message*, if given, is called as
    ``on_message(message, **context)`` for each message instead, and its patches are sent.

    The action's own checks (``login_required``, ``permission``) apply, and every guard
    registered with :func:`allow` for a topic is asked now, with the request: a topic the
    user may not follow is refused.
    """
    from nitro_dispatch.responses import current_request

    request = current_request.get()
    if request is None:
        raise RuntimeError(
            "live.stream() answers a request: return it from an @action (a GET one)."
        )
    if not topics:
        raise TypeError("live.stream() needs at least one topic: live.stream('todos', ...).")
    if not callable(render):
        raise TypeError(f"live.stream(render=...) takes a function, not {render!r}.")
    if on_message is not None and not callable(on_message):
        raise TypeError(f"live.stream(on_message=...) takes a function, not {on_message!r}.")
    for topic in topics:
        try:
            check_topic(topic)
        except ValueError as exc:  # a topic built from what the client sent, mostly
            raise BadRequest(400, str(exc)) from None
        check_allowed(request, topic)
    return Feed(
        topics=tuple(dict.fromkeys(topics)),
        render=render,
        on_message=on_message,
        context=context,
        request=request,
        language=translation.get_language(),
    )
