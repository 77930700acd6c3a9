"""Exceptions the entity API raises (the dispatcher answers them with a 4xx)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.utils.translation import gettext

__all__ = ["EntityGone", "EntityNotFound", "entity_not_found"]


class EntityNotFound(Http404):
    """No row of *entity* has the key *id*: an ``Http404``, which an action answers with 404
    and Nitro's error type ``entity_not_found``. The message is in the active language."""

    def __init__(self, entity: type[Any], id: Any) -> None:
        self.entity = entity
        self.id = id
        super().__init__(
            gettext("%(entity)s with id %(id)s not found.")
            % {"entity": entity.__name__, "id": repr(id)}
        )


def entity_not_found(entity: type[Any], id: Any) -> EntityNotFound:
    """The 404 for an *entity* with no row of key *id*, in the active language."""
    return EntityNotFound(entity, id)


class EntityGone(ObjectDoesNotExist):
    """``save()`` of an entity whose row was deleted after the entity was read.

    ``save()`` updates the row an entity was read from and never creates it again; only
    ``create()`` (or ``save()`` of a new entity) inserts. An action answers this with 409.
    """

    def __init__(self, entity: type[Any], id: Any) -> None:
        self.entity = entity
        self.id = id
        super().__init__(
            f"{entity.__name__} {id!r} was deleted after it was read; it was not saved again. "
            f"Read it again (or create() a new one)."
        )
