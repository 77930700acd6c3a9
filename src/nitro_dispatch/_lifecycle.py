"""Entity lifecycle events, sent once the transaction that made the change has committed.

``<table>.created`` after an insert, ``<table>.saved`` after an insert or an update (with
``created=True`` or ``False``), ``<table>.deleted`` after a delete; the sender is the entity.
They are queued with ``on_commit()`` on the Django connection the change was written on (an
async action's too: see db.django_connection), so a rolled back change sends nothing, and a
change outside any transaction sends at once. Handlers run as ``on_commit()`` callbacks do,
after the commit, in the thread that committed; one failing is logged and the others still
run, since the change is saved whatever they do.

Hooked in SQLAlchemy, for every session on an entity engine:

- the unit of work (``save()``, ``create()``, ``session.add()``/``delete()`` and a flush):
  mapper events, the sender being the entity itself;
- UPDATE and DELETE statements run through a session (``delete()``, ``delete_where()``,
  ``session.execute(update(Todo)...)``): when a handler listens, the statement gets a
  ``RETURNING`` clause, and each row it changed is sent, loaded as an entity. Without a
  handler, the statement runs as it is. A statement with a ``RETURNING`` clause of its own, or
  run with a list of parameter sets, sends nothing; INSERT statements send nothing either.

A ``saved`` handler of an update reads the entity as it was stored before with
:func:`stored` (a save and a change in the admin know it; an UPDATE statement does not).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.engine import Connection, Result
from sqlalchemy.orm import Mapper, ORMExecuteState, Session, object_session

from .db import django_connection
from .entity import Entity

if TYPE_CHECKING:
    from .events import Event, Namespace

__all__ = ["connect", "stored"]

_Sends = Sequence[tuple["Event", dict[str, Any]]]
# Where the entity as stored before an update is kept, on its SQLAlchemy state, until the
# events of the update have been sent.
_STORED = "nitro_stored"


class _Stored:
    """An entity as it was stored before an update: the old value of each column the update
    changed, the entity's own for the rest."""

    def __init__(self, entity: Entity, old: dict[str, Any]) -> None:
        self._entity = entity
        self._old = old

    def __getattr__(self, name: str) -> Any:
        old = self.__dict__["_old"]
        return old[name] if name in old else getattr(self.__dict__["_entity"], name)


def stored(entity: Entity) -> Any:
    """*entity* as it was stored before the update its ``saved`` event tells of, or None where
    that is not known (an insert, an UPDATE statement): attributes are read as they were."""
    return inspect(entity).info.get(_STORED)


def connect(namespace: Namespace) -> None:
    """Send the lifecycle events of entities through the events of *namespace*."""
    hooks = _Hooks(namespace)
    sa_event.listen(Entity, "after_insert", hooks.after_insert, propagate=True)
    sa_event.listen(Entity, "after_update", hooks.after_update, propagate=True)
    sa_event.listen(Entity, "after_delete", hooks.after_delete, propagate=True)
    sa_event.listen(Session, "do_orm_execute", hooks.returning)


class _Hooks:
    def __init__(self, namespace: Namespace) -> None:
        self.namespace = namespace

    def _listened(self, mapper: Mapper[Any], *kinds: tuple[str, dict[str, Any]]) -> _Sends:
        table = mapper.local_table.name  # type: ignore[attr-defined]
        events = ((self.namespace.event(f"{table}.{kind}"), kwargs) for kind, kwargs in kinds)
        return [(found, kwargs) for found, kwargs in events if found.has_receivers()]

    def after_insert(self, mapper: Mapper[Any], connection: Connection, target: Entity) -> None:
        sends = self._listened(mapper, ("created", {}), ("saved", {"created": True}))
        _after_commit(connection, sends, [target])

    def after_update(self, mapper: Mapper[Any], connection: Connection, target: Entity) -> None:
        # Called for every entity the flush found changed, even where no column changed.
        owner = object_session(target)
        if owner is not None and not owner.is_modified(target, include_collections=False):
            return
        sends = self._listened(mapper, ("saved", {"created": False}))
        if sends:
            # The flush has not reset the history yet: the old values are still there.
            state = inspect(target)
            old: dict[str, Any] = {}
            for column in mapper.column_attrs:
                deleted = state.attrs[column.key].history.deleted
                if deleted:
                    old[column.key] = deleted[0]
            state.info[_STORED] = _Stored(target, old)
        _after_commit(connection, sends, [target])

    def after_delete(self, mapper: Mapper[Any], connection: Connection, target: Entity) -> None:
        _after_commit(connection, self._listened(mapper, ("deleted", {})), [target])

    def returning(self, state: ORMExecuteState) -> Result[Any] | None:
        if not (state.is_update or state.is_delete):
            return None
        mapper = state.bind_mapper
        if mapper is None or not issubclass(mapper.class_, Entity):
            return None
        sends = self._listened(
            mapper, ("saved", {"created": False}) if state.is_update else ("deleted", {})
        )
        statement: Any = state.statement
        dialect = state.session.get_bind(mapper=mapper).dialect
        if (
            not sends
            or statement.returning_column_descriptions
            or isinstance(state.parameters, list)  # executemany: no RETURNING on SQLite
            or not (dialect.update_returning if state.is_update else dialect.delete_returning)
        ):
            return None
        result = state.invoke_statement(statement=statement.returning(mapper.class_))
        frozen = result.freeze()
        entities = frozen().scalars().all()
        connection = state.session.connection(bind_arguments={"mapper": mapper})
        _after_commit(connection, sends, entities)
        answer = frozen()
        # Results of ORM statements with RETURNING have no rowcount, which callers of a plain
        # UPDATE or DELETE read (delete(), delete_where()): here it is the rows returned.
        answer.rowcount = len(entities)  # type: ignore[attr-defined]
        return answer


def _after_commit(connection: Connection, sends: _Sends, senders: Sequence[Entity]) -> None:
    if not sends or not senders:
        return
    wrapper = django_connection(connection)
    if wrapper is None:  # another engine's transaction, which Django cannot follow
        return
    wrapper.on_commit(partial(_send, sends, senders), robust=True)


def _send(sends: _Sends, senders: Sequence[Entity]) -> None:
    for sender in senders:
        for found, kwargs in sends:
            found.emit_robust(sender, **kwargs)
        inspect(sender).info.pop(_STORED, None)  # told: a later update is another story


def connect_mirrors(namespace: Namespace, mirrors: Sequence[tuple[type[Entity], Any]]) -> None:
    """Send the lifecycle events of changes made through the admin's mirror models too.

    *mirrors* pairs each entity with its Django model. Django's ``post_save`` and
    ``post_delete`` come inside the transaction: the events go after its commit, with the
    entity as sender (read again once saved; read before the row is deleted).
    """
    from django.db import router, transaction
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    for entity, model in mirrors:
        table = entity.__table__.name  # type: ignore[attr-defined]

        def saving(instance: Any, entity: type[Entity] = entity, table: str = table,
                   **kwargs: Any) -> None:  # fmt: skip
            # The entity as it is stored, for stored(), while it still is.
            if not instance._state.adding and namespace.event(f"{table}.saved").has_receivers():
                instance._nitro_stored = entity._get(instance.pk)

        def saved(instance: Any, created: bool, using: str, entity: type[Entity] = entity,
                  table: str = table, **kwargs: Any) -> None:  # fmt: skip
            before = instance.__dict__.pop("_nitro_stored", None)

            def send() -> None:
                found = entity._get(instance.pk)
                if found is None:
                    return  # deleted meanwhile: its delete sends its own event
                if before is not None:
                    inspect(found).info[_STORED] = before
                kinds: list[tuple[str, dict[str, Any]]] = [("created", {})] if created else []
                for kind, extra in [*kinds, ("saved", {"created": created})]:
                    namespace.event(f"{table}.{kind}").emit_robust(found, **extra)

            transaction.on_commit(send, using=using or router.db_for_write(type(instance)),
                                  robust=True)  # fmt: skip

        def deleting(instance: Any, entity: type[Entity] = entity, **kwargs: Any) -> None:
            # The entity as it is stored, every field of it, while it still is.
            instance._nitro_entity = entity._get(instance.pk)

        def deleted(instance: Any, using: str, table: str = table, **kwargs: Any) -> None:
            gone = getattr(instance, "_nitro_entity", None)
            if gone is None:
                return  # it was not there to delete

            def send() -> None:
                namespace.event(f"{table}.deleted").emit_robust(gone)

            transaction.on_commit(send, using=using, robust=True)

        pre_save.connect(saving, sender=model, weak=False, dispatch_uid=f"nitro.saving.{table}")
        post_save.connect(saved, sender=model, weak=False, dispatch_uid=f"nitro.saved.{table}")
        pre_delete.connect(
            deleting, sender=model, weak=False, dispatch_uid=f"nitro.deleting.{table}"
        )
        post_delete.connect(
            deleted, sender=model, weak=False, dispatch_uid=f"nitro.deleted.{table}"
        )
