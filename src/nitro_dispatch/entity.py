"""Entity: a SQLModel table with Nitro's active-record API, on Django's database."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.db import models
from sqlalchemy import BigInteger, Column, Integer, SmallInteger, String, Table, Uuid, delete, func
from sqlalchemy.orm import registry
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel, select

from .db import session

__all__ = ["Entity", "entity_classes", "entity_tables", "reference_django_tables"]

# Entities keep their own metadata, apart from other SQLModel models in the process:
# `migrate` creates exactly these tables.
_registry = registry()


def _new_id() -> str:
    return str(uuid.uuid4())


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

    if TYPE_CHECKING:
        # For type checkers the key is open, so an entity may declare an integer one.
        id: Any
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

    @classmethod
    def get(cls, id: Any) -> Self | None:
        """Return the entity with primary key *id*, or None."""
        with session() as s:
            return s.get(cls, id)

    @classmethod
    def exists(cls, id: Any) -> bool:
        """Whether an entity with primary key *id* exists."""
        return cls.count(cls.id == id) > 0

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
        """Insert or update this entity; return it with the values the database holds."""
        with session() as s:
            merged = s.merge(self)
            s.commit()
            s.refresh(merged)
            for name in type(self).model_fields:
                setattr(self, name, getattr(merged, name))
        return self

    def delete(self) -> bool:
        """Delete this entity's row; return whether there was one."""
        table = type(self)
        with session() as s:
            result = s.execute(delete(table).where(table.id == self.id))
            s.commit()
        return bool(getattr(result, "rowcount", 0))

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
