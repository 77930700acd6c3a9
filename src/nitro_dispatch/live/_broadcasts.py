"""Entities that publish their own changes: ``broadcasts = "todos"`` on the class.

``broadcasts`` names the topics each change of an entity is published to: a topic, a function
of the entity returning a topic (or several), or a list of those. Each created, saved or deleted
entity publishes ``{"entity": <table>, "id": <primary key>, "change": "created" | "updated" |
"deleted"}`` to them, from the lifecycle events, so only once the change has committed (see
_lifecycle.py; changes made in the admin send them too). An update is published to the topics
the entity had before it too, where they are known (a save, the admin; not an UPDATE
statement, which has only the rows as they are after).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from nitro_dispatch._lifecycle import stored
from nitro_dispatch.entity import Entity
from nitro_dispatch.events import default_namespace

from ._publish import publish
from ._topics import check_topic

__all__ = ["Broadcasts", "connect_broadcasts", "topics_of"]

Broadcasts = str | Callable[[Any], "str | Iterable[str]"] | Iterable["str | Callable[[Any], Any]"]


def _declared(entity: type[Entity]) -> Any:
    for klass in entity.__mro__:
        if klass is Entity:
            return None
        if "broadcasts" in vars(klass):
            return vars(klass)["broadcasts"]
    return None  # pragma: no cover - every entity derives from Entity


def _parts(entity: type[Entity], declared: Any) -> list[str | Callable[[Any], Any]]:
    parts = [declared] if isinstance(declared, str) or callable(declared) else declared
    try:
        found = list(parts)
    except TypeError:
        found = [declared]
    for part in found:
        if isinstance(part, str):
            try:
                check_topic(part)
            except ValueError as exc:
                raise ImproperlyConfigured(f"{entity.__name__}.broadcasts: {exc}") from None
        elif not callable(part):
            raise ImproperlyConfigured(
                f'{entity.__name__}.broadcasts holds {part!r}: give a topic ("todos"), a '
                "function of the entity returning topics, or a list of those."
            )
    return found


def topics_of(instance: Entity, parts: list[str | Callable[[Any], Any]]) -> list[str]:
    """The topics *instance*'s change is published to."""
    topics: list[str] = []
    for part in parts:
        if isinstance(part, str):
            topics.append(part)
            continue
        made = part(instance)
        if isinstance(made, str):
            topics.append(made)
        elif isinstance(made, Iterable):
            topics.extend(made)
        else:
            raise TypeError(
                f"{type(instance).__name__}.broadcasts: {part!r} returned {made!r}; return a "
                "topic or a list of topics."
            )
    return list(dict.fromkeys(check_topic(topic) for topic in topics))


# The handlers connected per table, so that connecting again (the app registry reloaded)
# replaces them instead of publishing twice.
_connected: dict[str, list[tuple[str, Callable[..., None]]]] = {}


def connect_broadcasts(entities: Iterable[type[Entity]]) -> None:
    """Publish the changes of each of *entities* that declares ``broadcasts``."""
    for entity in entities:
        table = entity.__table__.name  # type: ignore[attr-defined]
        for name, handler in _connected.pop(table, []):
            default_namespace.event(name).disconnect(handler)
        declared = _declared(entity)
        if declared is None:
            continue
        parts = _parts(entity, declared)
        mapper = entity.__mapper__  # type: ignore[attr-defined]
        key = mapper.get_property_by_column(mapper.primary_key[0]).key

        def send(sender: Entity, change: str, parts: list[Any] = parts, table: str = table,
                 key: str = key, **kwargs: Any) -> None:  # fmt: skip
            if kwargs.get("created"):
                return  # sent as created
            data = {"entity": table, "id": getattr(sender, key), "change": change}
            topics = topics_of(sender, parts)
            before = stored(sender) if change == "updated" else None
            if before is not None:
                # Those it left too (its owner changed, say): their pages drop it.
                topics += [topic for topic in topics_of(before, parts) if topic not in topics]
            for topic in topics:
                publish(topic, data)

        def created(sender: Entity, send: Any = send, **kwargs: Any) -> None:
            send(sender, "created")

        def saved(sender: Entity, send: Any = send, **kwargs: Any) -> None:
            send(sender, "updated", **kwargs)

        def deleted(sender: Entity, send: Any = send, **kwargs: Any) -> None:
            send(sender, "deleted")

        # The sender is the entity (an instance): one class per table.
        handlers = [(f"{table}.created", created), (f"{table}.saved", saved),
                    (f"{table}.deleted", deleted)]  # fmt: skip
        for name, handler in handlers:
            default_namespace.event(name).connect(handler)
        _connected[table] = handlers
