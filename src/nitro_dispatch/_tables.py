"""The tables ``migrate`` creates for entities, and the Django tables they reference.

Entities share SQLModel's metadata, as in Nitro, so a plain ``class Link(SQLModel, table=True)``
can join two entities (``Relationship(link_model=Link)``). Created, compared and emptied with the
entity tables are the SQLModel tables a foreign key joins to them, directly or through each
other: link tables, and child or parent tables declared without Entity. Other SQLModel tables
in the process are left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from django.db import models
from sqlalchemy import BigInteger, Column, Integer, SmallInteger, String, Table, Uuid
from sqlalchemy.schema import sort_tables
from sqlalchemy.types import TypeEngine
from sqlmodel import SQLModel

from .entity import Entity, entity_classes

__all__ = ["entity_tables", "reference_django_tables", "table_class"]

_SQL_TYPES: Final[dict[str, type[TypeEngine[Any]]]] = {
    "AutoField": Integer,
    "IntegerField": Integer,
    "BigAutoField": BigInteger,
    "BigIntegerField": BigInteger,
    "SmallAutoField": SmallInteger,
    "SmallIntegerField": SmallInteger,
    "UUIDField": Uuid,
    "CharField": String,
}


def _target(foreign_key: Any) -> str:
    return str(foreign_key.target_fullname).rpartition(".")[0]


def _name(table: Table) -> str:
    return table.key


def _joined() -> set[Table]:
    """The entity tables and the SQLModel tables foreign keys join to them, without stand-ins."""
    tables = Entity.metadata.tables
    neighbours: dict[Table, set[Table]] = {}
    for table in tables.values():
        for foreign_key in table.foreign_keys:
            target = tables.get(_target(foreign_key))
            if target is not None and not target.info.get("django"):
                neighbours.setdefault(table, set()).add(target)
                neighbours.setdefault(target, set()).add(table)
    found = {
        klass.__table__  # type: ignore[attr-defined]
        for klass in entity_classes()
        if klass.model_config.get("table")
    }
    waiting = list(found)
    while waiting:
        for table in neighbours.get(waiting.pop(), ()):
            if table not in found:
                found.add(table)
                waiting.append(table)
    return found


def reference_django_tables(django_models: Iterable[type[models.Model]]) -> None:
    """Stand in, in SQLModel's metadata, for the Django tables entity foreign keys point at.

    SQLAlchemy needs a referenced table to order and create the entity tables; these stand-ins
    (``info={"django": True}``) say which table and key column, and are never created.
    """
    by_table = {model._meta.db_table: model for model in django_models}
    metadata = Entity.metadata
    for table in sorted(_joined(), key=_name):
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
    """The tables of the entities, and the SQLModel tables joined to them by foreign keys, in
    dependency order (the Django stand-ins left out)."""
    joined: list[Table] = sorted(_joined(), key=_name)
    return sort_tables(joined)


def table_class(table: Table) -> type[Any] | None:
    """The class (an entity, or a plain SQLModel class) mapped to *table*, if there is one."""
    for mapper in SQLModel._sa_registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None
