"""Who may follow a topic: guards registered for topic patterns, asked when a stream opens."""

from __future__ import annotations

import threading
from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext

__all__ = ["Guard", "allow", "check_allowed", "clear_guards"]

Guard = Callable[[HttpRequest, str], bool]
G = TypeVar("G", bound=Guard)

_guards: list[tuple[str, Guard]] = []
_lock = threading.Lock()


def allow(pattern: str) -> Callable[[G], G]:
    """Register a guard for the topics matching the fnmatch *pattern*::

        @live.allow("todos.user.*")
        def own_todos(request, topic):
            return topic == f"todos.user.{request.user.pk}"

    A stream may follow a topic only if every guard whose pattern matches it returns True for
    the request that opens it; otherwise it is refused (403, or the ``_nitroError`` signal
    for Datastar). Topics no guard matches are open to whoever may call the action.
    """
    given: object = pattern
    if not isinstance(given, str) or not given:
        raise TypeError(f"allow() takes a topic pattern such as 'todos.*', not {pattern!r}.")

    def register(guard: G) -> G:
        if not callable(guard):
            raise TypeError(
                f"allow({pattern!r}) decorates a function (request, topic) -> bool, not {guard!r}."
            )
        with _lock:
            _guards.append((pattern, guard))
        return guard

    return register


def check_allowed(request: HttpRequest, topic: str) -> None:
    """Raise PermissionDenied unless every guard of *topic* allows *request* to follow it."""
    for pattern, guard in list(_guards):
        if fnmatchcase(topic, pattern) and not guard(request, topic):
            raise PermissionDenied(gettext("You may not follow %(topic)s.") % {"topic": topic})


def clear_guards() -> None:
    """Forget every guard (for tests that register their own)."""
    with _lock:
        _guards.clear()
