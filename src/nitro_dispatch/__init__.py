"""Entity actions as Django views that answer Datastar requests with patches.

``class Todo(Entity, table=True)`` with ``@action`` (or Nitro's ``@get``, ``@post``, ``@put``,
``@delete``) methods, routed by ``path("api/", include(DjangoDispatcher().urls))``. Add
``"nitro_dispatch"`` to ``INSTALLED_APPS`` so ``migrate`` creates the entity tables and the
checks run. Nitro's in-process events (``on``, ``emit``, ``emit_async``, ``event``) are here too,
with each entity's ``<table>.created``, ``.saved`` and ``.deleted`` sent after commit
(:mod:`nitro_dispatch.events`), and live updates across processes: ``live.publish()``, entities'
``broadcasts``, and ``live.stream()`` for the pages following them (:mod:`nitro_dispatch.live`).
"""

from __future__ import annotations

from . import live as live
from .actions import ActionMetadata as ActionMetadata
from .actions import action as action
from .actions import delete as delete
from .actions import get as get
from .actions import get_action_metadata as get_action_metadata
from .actions import has_action_metadata as has_action_metadata
from .actions import post as post
from .actions import put as put
from .dispatcher import DjangoDispatcher as DjangoDispatcher
from .dispatcher import datastar_action as datastar_action
from .entity import Entity as Entity
from .events import emit as emit
from .events import emit_async as emit_async
from .events import event as event
from .events import on as on
from .exceptions import EntityGone as EntityGone
from .exceptions import EntityNotFound as EntityNotFound
from .responses import fragment as fragment
from .responses import patch as patch
from .responses import redirect as redirect
from .responses import remove as remove
from .responses import signals as signals

__all__ = [
    "ActionMetadata",
    "DjangoDispatcher",
    "Entity",
    "EntityGone",
    "EntityNotFound",
    "action",
    "datastar_action",
    "delete",
    "emit",
    "emit_async",
    "event",
    "fragment",
    "get",
    "get_action_metadata",
    "has_action_metadata",
    "live",
    "on",
    "patch",
    "post",
    "put",
    "redirect",
    "remove",
    "signals",
]
