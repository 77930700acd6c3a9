"""Entity: a SQLModel table with Nitro's active-record API, on Django's database."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Final, Self

from django.db import models
from pydantic_core import InitErrorDetails
from sqlalchemy import BigInteger, Column, Integer, SmallInteger, String, Table, Uuid, delete, func
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session, registry
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel, select

from ._validation import (
    column_errors,
    entity_columns,
    entity_vendor,
    integer_bounds,
    raise_errors,
    text_error,
    validate_field,
    validate_values,
)
from .db import session
from .exceptions import EntityGone, entity_not_found

__all__ = ["Entity", "entity_classes", "entity_tables", "reference_django_tables"]

# Entities keep their own metadata, apart from other SQLModel models in the process:
# `migrate` creates exactly these tables.
_registry = registry()


def _new_id() -> str:
    return str(uuid.uuid4())


# Set while values that pydantic has already validated are assigned (model_validate, defaults).
_validated: ContextVar[bool] = ContextVar("nitro_dispatch_validated", default=False)


@contextmanager
def _assigning_validated() -> Iterator[None]:
    token = _validated.set(True)
    try:
        yield
    finally:
        _validated.reset(token)


_INTEGER_LITERAL: Final = re.compile(r"-?[0-9]{1,20}")


class _NotAManager:
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


class _DefaultManager:
    # Django's get_object_or_404() and get_list_or_404() test for _default_manager, and its
    # generic views read it first (``self.model._default_manager.all()``): entities answer with
    # a stand-in that explains, so hasattr() stays True and no probe fails.
    def __get__(self, instance: object, owner: type[Entity]) -> _NotAManager:
        return _NotAManager(owner)


class Entity(SQLModel, registry=_registry):
    """Base class of entities: ``class Todo(Entity, table=True): title: str``.

    The primary key is ``id``, a UUID4 string by default (declare
    ``id: int | None = Field(default=None, primary_key=True)`` for an integer key). Rows live in
    ``NITRO_DISPATCH["DATABASE"]``, on Django's connection and in Django's transaction.
    """

    __route_name__: ClassVar[str | None] = None
    # The Django admin: True (derived options), False (not in the admin), a dict of ModelAdmin
    # options, or a ModelAdmin subclass.
    admin: ClassVar[Any] = True
    # Not a Django model: see _DefaultManager.
    _default_manager: ClassVar[_DefaultManager] = _DefaultManager()

    if TYPE_CHECKING:
        # For type checkers the key is open, so an entity may declare an integer one.
        id: Any = None
    else:
        id: str = Field(default_factory=_new_id, primary_key=True)

    @classmethod
    def _equals(cls, equals: dict[str, Any]) -> list[ColumnElement[bool]]:
        clauses = []
        for name, value in equals.items():
            if name not in cls.model_fields:
                fields = ", ".join(cls.model_fields)
                raise ValueError(f"{cls.__name__} has no field {name!r}; its fields are: {fields}.")
            clauses.append(getattr(cls, name) == value)
        return clauses

    def __init__(__pydantic_self__, **data: Any) -> None:
        self = __pydantic_self__
        entity = type(self)
        with _assigning_validated():
            super().__init__()  # SQLAlchemy's state, and the defaults
        given = {name: data[name] for name in entity.__pydantic_fields__ if name in data}
        # Validated together, as model_validate() does (SQLModel ignores other names).
        validated = validate_values(self, given) if given else {}
        if validated is None:  # a required field is missing (save() says so): one by one
            for name, value in given.items():
                setattr(self, name, value)
            validated = {}
        with _assigning_validated():
            for name, value in validated.items():
                setattr(self, name, value)
            for name in entity.__sqlmodel_relationships__:
                if name in data:
                    setattr(self, name, data[name])

    def __setattr__(self, name: str, value: Any) -> None:
        if name in type(self).__pydantic_fields__ and not _validated.get():
            value = validate_field(self, name, value)
        super().__setattr__(name, value)

    @classmethod
    def model_validate(  # type: ignore[override]  # SQLModel's signature
        cls,
        obj: Any,
        *,
        strict: bool | None = None,
        from_attributes: bool | None = None,
        context: dict[str, Any] | None = None,
        update: dict[str, Any] | None = None,
    ) -> Self:
        """Validate *obj* (a dict, or an object with ``from_attributes``) into a new entity."""
        with _assigning_validated():
            entity = super().model_validate(
                obj, strict=strict, from_attributes=from_attributes, context=context, update=update
            )
        raise_errors(cls, column_errors(cls, entity._values()))
        return entity

    def _values(self) -> dict[str, Any]:
        # From __dict__: an expired attribute is not loaded (and not checked) here.
        held = self.__dict__
        return {name: held[name] for name in type(self).__pydantic_fields__ if name in held}

    @classmethod
    def _key(cls, id: Any) -> Any:
        """*id* as the key column takes it, or None if no row can have it."""
        column = entity_columns(cls)["id"]
        if isinstance(column.type, Integer):
            if isinstance(id, str) and _INTEGER_LITERAL.fullmatch(id):
                id = int(id)
            if isinstance(id, bool) or not isinstance(id, int):
                return None
            low, high = integer_bounds(column.type, entity_vendor())
            return id if low <= id <= high else None
        if isinstance(id, str) and text_error(id) is not None:
            return None
        return id

    @classmethod
    def get(cls, id: Any, *, for_update: bool = False) -> Self | None:
        """Return the entity with primary key *id*, or None.

        With *for_update*, the row is locked until the transaction ends (``SELECT … FOR
        UPDATE`` on PostgreSQL; on SQLite a writing transaction already holds the database), so
        a change made from what was read cannot overwrite another. Use it inside
        ``transaction.atomic()``; an action's own entity is read this way for you.
        """
        key = cls._key(id)
        if key is None:
            return None
        with session() as s:
            return s.get(cls, key, with_for_update=True if for_update else None)

    @classmethod
    def get_or_404(cls, id: Any, *, for_update: bool = False) -> Self:
        """Return the entity with primary key *id*; raise Http404 if there is none.

        The entity's ``get_object_or_404()``, for views: ``todo = Todo.get_or_404(pk)``.
        *for_update* as for get().
        """
        entity = cls.get(id, for_update=for_update)
        if entity is None:
            raise entity_not_found(cls, id)
        return entity

    @classmethod
    def exists(cls, id: Any) -> bool:
        """Whether an entity with primary key *id* exists."""
        key = cls._key(id)
        return key is not None and cls.count(cls.id == key) > 0

    @classmethod
    def all(cls) -> list[Self]:
        """Every entity of this class, by primary key."""
        return cls.where()

    @classmethod
    def where(
        cls,
        *clauses: Any,
        order_by: Any = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Self]:
        """Entities matching SQLAlchemy *clauses* (``Todo.where(Todo.done == False)``)."""
        query = select(cls).where(*clauses)
        if isinstance(order_by, str):
            order_by = getattr(cls, order_by)
        query = query.order_by(order_by if order_by is not None else cls.id)
        if limit is not None:
            query = query.limit(limit)
        if offset is not None:
            query = query.offset(offset)
        with session() as s:
            return list(s.exec(query).all())

    @classmethod
    def filter(cls, **equals: Any) -> list[Self]:
        """Entities whose fields equal the given values (``Todo.filter(completed=False)``)."""
        return cls.where(*cls._equals(equals))

    @classmethod
    def first(cls, *clauses: Any, **equals: Any) -> Self | None:
        """The first entity (by primary key) matching *clauses* and *equals*, or None."""
        found = cls.where(*clauses, *cls._equals(equals), limit=1)
        return found[0] if found else None

    @classmethod
    def count(cls, *clauses: Any, **equals: Any) -> int:
        """How many entities match *clauses* and *equals* (all, without arguments)."""
        query = select(func.count()).select_from(cls).where(*clauses, *cls._equals(equals))
        with session() as s:
            return int(s.exec(query).one())

    @classmethod
    def create(cls, **fields: Any) -> Self:
        """Validate *fields*, insert the entity and return it."""
        entity = cls.model_validate(fields)
        entity.save()
        return entity

    def save(self) -> Self:
        """Write this entity; return it with the values the database holds.

        An entity that was read (or saved before) is updated by its key, changed fields only;
        if its row was deleted meanwhile, EntityGone is raised and nothing is written. A new
        entity is inserted. Every value is validated first (pydantic ValidationError).
        """
        entity = type(self)
        values = self._values()
        missing = self._missing(values) if sa_inspect(self).key is None else []
        raise_errors(entity, [*missing, *column_errors(entity, values)])
        owner = object_session(self)
        if owner is not None:  # read in a session that is still open: write through it
            self._write(owner)
            return self
        with session() as s:
            s.add(self)
            self._write(s)
            s.commit()
        return self

    def _missing(self, values: dict[str, Any]) -> list[InitErrorDetails]:
        # Required fields a new entity holds no value for, but those the database fills in.
        columns = entity_columns(type(self))
        return [
            {"type": "missing", "loc": (name,), "input": values}
            for name, field in type(self).__pydantic_fields__.items()
            if field.is_required() and name not in values and columns[name].server_default is None
        ]

    def _write(self, s: Session) -> None:
        state = sa_inspect(self)
        if state.key is not None and not s.is_modified(self):
            entity = type(self)
            # Nothing to update, but a save of a deleted row must still say so.
            if s.execute(select(entity.id).where(entity.id == self.id)).first() is None:
                raise EntityGone(entity, self.id)
            return
        held = dict(self.__dict__)
        try:
            s.flush()
        except StaleDataError:  # the UPDATE matched no row
            # The failed flush expired the entity; it keeps what it held, as it was not saved.
            s.expunge(self)
            self.__dict__.update(held)
            raise EntityGone(type(self), held["id"]) from None
        if state.expired_attributes:  # values the database set (server_onupdate)
            s.refresh(self)

    def delete(self) -> bool:
        """Delete this entity's row; return whether there was one."""
        table = type(self)
        with session() as s:
            result = s.execute(delete(table).where(table.id == self.id))
            s.commit()
        return bool(getattr(result, "rowcount", 0))

    @classmethod
    def delete_where(cls, *clauses: Any, **equals: Any) -> int:
        """Delete the entities matching *clauses* and *equals* (all, without arguments) in one
        statement, so a row changed meanwhile is deleted only if it still matches; return how
        many were deleted."""
        with session() as s:
            result = s.execute(delete(cls).where(*clauses, *cls._equals(equals)))
            s.commit()
        return int(getattr(result, "rowcount", 0))

    @classmethod
    def route_name(cls) -> str:
        """The entity's URL segment: ``__route_name__`` or the lower-cased class name."""
        return (cls.__route_name__ or cls.__name__).lower()


def entity_classes() -> list[type[Entity]]:
    """Every subclass of Entity defined so far, tables or not, each once, parents first."""

    def walk(klass: type[Entity]) -> Iterator[type[Entity]]:
        for subclass in klass.__subclasses__():
            yield subclass
            yield from walk(subclass)

    return list(dict.fromkeys(walk(Entity)))


_SQL_TYPES: dict[str, type[TypeEngine[Any]]] = {
    "AutoField": Integer,
    "IntegerField": Integer,
    "BigAutoField": BigInteger,
    "BigIntegerField": BigInteger,
    "SmallAutoField": SmallInteger,
    "SmallIntegerField": SmallInteger,
    "UUIDField": Uuid,
    "CharField": String,
}


def reference_django_tables(django_models: Iterable[type[models.Model]]) -> None:
    """Stand in, in the entity metadata, for the Django tables entity foreign keys point at.

    SQLAlchemy needs a referenced table to order and create the entity tables; these stand-ins
    (``info={"django": True}``) say which table and key column, and are never created.
    """
    by_table = {model._meta.db_table: model for model in django_models}
    metadata = Entity.metadata
    for table in list(metadata.tables.values()):
        for foreign_key in table.foreign_keys:
            name, _, column = foreign_key.target_fullname.rpartition(".")
            if name in metadata.tables and not metadata.tables[name].info.get("django"):
                continue
            # Not a database constraint: Django must stay able to flush its own tables (its
            # TRUNCATE fails on PostgreSQL while another table references them).
            foreign_key.constraint.ddl_if(callable_=_never)  # type: ignore[union-attr]
            if name in metadata.tables:
                continue
            model = by_table.get(name)
            fields = model._meta.concrete_fields if model is not None else ()
            internal = next(
                (field.get_internal_type() for field in fields if field.column == column),
                "IntegerField",
            )
            key = Column(column, _SQL_TYPES.get(internal, String)(), primary_key=True)
            Table(name, metadata, key, info={"django": True})


def _never(*args: Any, **kwargs: Any) -> bool:
    return False


def entity_tables() -> list[Table]:
    """The entity tables, in dependency order, without the Django stand-ins."""
    return [table for table in Entity.metadata.sorted_tables if not table.info.get("django")]
