"""What the database lacks of the entity tables, or holds differently (checks W004 to W006).

``migrate`` and ``nitro_createtables`` create the entity tables that do not exist, and never alter
one that does: a field added to an entity later has no column until the user adds it. The
comparison reads the database through SQLAlchemy's inspector on Django's connection (so in
Django's autocommit, or inside the caller's transaction), and opens no transaction of its own.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from django.core.checks import CheckMessage, Warning
from django.db import DEFAULT_DB_ALIAS
from sqlalchemy import Column, Dialect, Table, inspect, literal, types
from sqlalchemy.engine.interfaces import ReflectedColumn
from sqlalchemy.engine.reflection import ObjectKind
from sqlalchemy.schema import CreateColumn
from sqlalchemy.sql.type_api import TypeDecorator

from ._tables import entity_tables, table_class
from .db import get_engine

__all__ = ["Drift", "compare"]

# Column types by what they hold, to tell a clear difference from another spelling of the same
# thing (TEXT and VARCHAR, BIGINT and INTEGER, timestamptz and timestamp). Float is a Numeric;
# Enum, native or not, a String. A type outside these (INTERVAL, custom types) is not compared.
_FAMILIES: Final[tuple[type[types.TypeEngine[Any]], ...]] = (
    types.Boolean,
    types.Integer,
    types.Numeric,
    types.DateTime,
    types.Date,
    types.Time,
    types.JSON,
    types.Uuid,
    types.LargeBinary,
    types.String,
)
# Field defaults an ALTER TABLE can give the rows already there.
_SCALAR_DEFAULTS: Final = (bool, int, float, str, Decimal, enum.Enum)
_W006: Final = "nitro_dispatch.W006"
_ALTER_HINT: Final = (
    "Change the column with a migration in one of your apps (migrations.RunSQL) or with "
    "Alembic, or change the field to match it: migrate and nitro_createtables never alter tables."
)


@dataclass(frozen=True)
class Drift:
    """How DATABASES[*alias*] differs from the entity tables."""

    alias: str
    # Entity tables the database lacks.
    missing: list[Table] = field(default_factory=list)
    # Missing or different columns of the tables it has (W005, W006).
    columns: list[CheckMessage] = field(default_factory=list)

    def messages(self) -> list[CheckMessage]:
        """The check messages: the missing tables (W004), then the columns."""
        if not self.missing:
            return self.columns
        tables = ", ".join(f"{table.name} ({_owner(table)[1]})" for table in self.missing)
        option = "" if self.alias == DEFAULT_DB_ALIAS else f" --database {self.alias}"
        missing = Warning(
            f"Entity tables missing from DATABASES[{self.alias!r}]: {tables}. Their entities' "
            "queries fail until they are created.",
            hint=f"Run manage.py migrate{option} or manage.py nitro_createtables{option}: both "
            "create the entity tables that do not exist.",
            id="nitro_dispatch.W004",
        )
        return [missing, *self.columns]


def compare(alias: str) -> Drift:
    """Compare the entity tables with DATABASES[*alias*].

    Raise Django's DatabaseError or SQLAlchemy's SQLAlchemyError if it cannot be read.
    """
    engine = get_engine(alias)
    inspector = inspect(engine)
    tables = entity_tables()
    found: dict[tuple[str | None, str], list[ReflectedColumn]] = {}
    for schema in dict.fromkeys(table.schema for table in tables):
        names = [table.name for table in tables if table.schema == schema]
        found.update(
            inspector.get_multi_columns(schema=schema, filter_names=names, kind=ObjectKind.ANY)
        )
    drift = Drift(alias)
    for table in tables:
        reflected = found.get((table.schema, table.name))
        if reflected is None:
            drift.missing.append(table)
        else:
            drift.columns.extend(_compare_columns(alias, engine.dialect, table, reflected))
    return drift


def _owner(table: Table) -> tuple[type[Any] | None, str]:
    """The class of *table* (an entity, or a SQLModel class such as a link table) and its dotted
    path; for a table made without a class, the metadata's."""
    klass = table_class(table)
    if klass is None:
        return None, "sqlmodel.SQLModel.metadata"
    return klass, f"{klass.__module__}.{klass.__qualname__}"


def _compare_columns(
    alias: str, dialect: Dialect, table: Table, reflected: list[ReflectedColumn]
) -> Iterator[CheckMessage]:
    entity, path = _owner(table)
    where = f"DATABASES[{alias!r}]"
    held = {column["name"]: column for column in reflected}
    for column in table.columns:
        name = f"{table.name}.{column.name}"
        there = held.pop(column.name, None)
        if there is None:
            yield Warning(
                f"Column {name} of {path} does not exist in {where}: the entity's queries fail "
                "until it is added.",
                hint="migrate and nitro_createtables create missing tables only, never columns. "
                f"Add it with a migration in one of your apps, {_add_column(dialect, column)}, "
                "or with Alembic; while the table's rows can go, dropping the table and running "
                "nitro_createtables recreates it.",
                obj=entity,
                id="nitro_dispatch.W005",
            )
            continue
        # SQLite reports a key declared without NOT NULL as nullable; no key holds NULL.
        nullable = there["nullable"] and not column.primary_key
        if column.nullable and not nullable:
            difference = f"is NOT NULL in {where}, but {path} allows None: saving None fails"
        elif nullable and not column.nullable:
            difference = f"allows NULL in {where}, but {path} does not: a NULL loads as None"
        elif dialect.name == "postgresql" and _differ(dialect, column.type, there["type"]):
            # SQLite stores any value in any column, so only PostgreSQL's types are compared.
            difference = (
                f"is {there['type']} in {where}, but {path} maps it as "
                f"{column.type.compile(dialect)}"
            )
        else:
            continue
        yield Warning(f"Column {name} {difference}.", hint=_ALTER_HINT, obj=entity, id=_W006)
    for extra in held.values():
        generated = extra.get("identity") or extra.get("computed")
        if extra["nullable"] or extra["default"] is not None or generated:
            continue
        yield Warning(
            f"Column {table.name}.{extra['name']} of {where} is NOT NULL without a default, and "
            f"{path} has no field for it: creating an entity fails.",
            hint="Drop the column, allow NULL in it or give it a DEFAULT, with a migration in one "
            "of your apps (migrations.RunSQL) or with Alembic; or give the entity the field.",
            obj=entity,
            id=_W006,
        )


def _family(column_type: types.TypeEngine[Any], dialect: Dialect) -> type[Any] | None:
    implementation = column_type.dialect_impl(dialect)
    if isinstance(implementation, TypeDecorator):
        implementation = implementation.load_dialect_impl(dialect)
    return next((family for family in _FAMILIES if isinstance(implementation, family)), None)


def _differ(
    dialect: Dialect, declared: types.TypeEngine[Any], reflected: types.TypeEngine[Any]
) -> bool:
    mapped, held = _family(declared, dialect), _family(reflected, dialect)
    return mapped is not None and held is not None and mapped is not held


def _add_column(dialect: Dialect, column: Column[Any]) -> str:
    """The RunSQL operation adding *column*; a NOT NULL one gets the field's default."""
    table = dialect.identifier_preparer.format_table(column.table)
    sql = f"ALTER TABLE {table} ADD COLUMN {CreateColumn(column).compile(dialect=dialect)}"
    if column.nullable or column.server_default is not None:
        return f"migrations.RunSQL({sql!r})"
    value = getattr(column.default, "arg", None)
    if not isinstance(value, _SCALAR_DEFAULTS):  # no default, or one a function makes
        return f"migrations.RunSQL({sql!r}) with a DEFAULT for the rows the table holds"
    rendered = literal(value, column.type).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    return f"migrations.RunSQL({f'{sql} DEFAULT {rendered}'!r})"
