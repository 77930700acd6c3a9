"""Entity actions as Django views that answer Datastar requests with patches.

``class Todo(Entity, table=True)`` with ``@action`` methods, routed by
``path("api/", include(DjangoDispatcher().urls))``. Add ``"nitro_dispatch"`` to
``INSTALLED_APPS`` so ``migrate`` creates the entity tables and the checks run.
"""

from __future__ import annotations

from .actions import ActionMetadata as ActionMetadata
from .actions import action as action
from .actions import get_action_metadata as get_action_metadata
from .dispatcher import DjangoDispatcher as DjangoDispatcher
from .dispatcher import datastar_action as datastar_action
from .entity import Entity as Entity
from .exceptions import EntityGone as EntityGone
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
    "action",
    "datastar_action",
    "fragment",
    "get_action_metadata",
    "patch",
    "redirect",
    "remove",
    "signals",
]
