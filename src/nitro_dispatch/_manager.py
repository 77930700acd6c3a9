"""What Django finds as an entity's ``_default_manager``: entities are not Django models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .entity import Entity

__all__ = ["DefaultManager", "NotAManager"]


class NotAManager:
    """What Django finds as an entity's ``_default_manager``: anything it asks of it raises a
    TypeError that says the entity is not a model and what to use instead."""

    def __init__(self, entity: type[Entity]) -> None:
        self._entity = entity

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocol probes (copy, pickle, mocks) stay plain misses
            raise AttributeError(name)
        entity = self._entity.__name__
        raise TypeError(
            f"{entity} is a nitro_dispatch Entity, not a Django model: Django's model shortcuts "
            f"and generic views cannot query it. Use {entity}.get_or_404(id) instead of "
            f"get_object_or_404({entity}, ...); in a generic view, leave model unset and return "
            f"{entity}.all() (or {entity}.filter(...)) from get_queryset(), or "
            f"{entity}.get_or_404(...) from get_object()."
        )


class DefaultManager:
    # Django's get_object_or_404() and get_list_or_404() test for _default_manager, and its
    # generic views read it first (``self.model._default_manager.all()``): entities answer with
    # a stand-in that explains, so hasattr() stays True and no probe fails.
    def __get__(self, instance: object, owner: type[Entity]) -> NotAManager:
        return NotAManager(owner)
