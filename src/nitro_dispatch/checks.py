"""System checks for entities, their routes and their tables."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError
from sqlalchemy.exc import SQLAlchemyError

from ._model import Kind, hidden
from ._schema import compare
from .conf import get_settings
from .dispatcher import DjangoDispatcher, discover_entities, dispatchers
from .entity import Entity, entity_classes

__all__ = ["check_entities", "check_schema"]


def check_entities(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Duplicate routes, unvalidatable parameters, entity classes without a table, columns the
    admin cannot show, a SQLite database in deferred transaction mode, and fields that hide
    Entity's methods."""
    try:
        routed = dispatchers() or [DjangoDispatcher()]
    except Exception:  # a broken URLconf: Django's own URL checks report it
        routed = [DjangoDispatcher()]
    return [
        *_check_conflicts(routed),
        *_check_parameters(routed),
        *_check_tables(),
        *_check_admin_columns(),
        *_check_sqlite_transactions(),
        *_check_hidden(klass for klass in entity_classes() if klass.model_config.get("table")),
    ]


def _check_conflicts(routed: list[DjangoDispatcher]) -> Iterator[CheckMessage]:
    for dispatcher in routed:
        for first, second in dispatcher.conflicts():
            yield Error(
                f"{first.path} and {second.path} are both {first.metadata.method} "
                f"{first.route!r}; only {first.path} is served.",
                hint="Give one of them another path=, or another __route_name__ to its entity.",
                obj=second.entity,
                id="nitro_dispatch.E001",
            )


def _check_parameters(routed: list[DjangoDispatcher]) -> Iterator[CheckMessage]:
    seen: set[tuple[type[Entity], Any]] = set()
    for dispatcher in routed:
        for route in dispatcher.routes():
            if (route.entity, route.function) in seen:
                continue
            seen.add((route.entity, route.function))
            try:
                route.parameters  # noqa: B018 - builds and caches the validator
            except Exception as exc:
                reason = str(exc).split(". ")[0]  # pydantic's advice after it does not apply
                yield Error(
                    f"{route.path} has a parameter pydantic cannot validate ({reason}).",
                    hint="Annotate parameters with JSON-compatible types, pydantic models or "
                    "dataclasses; take the request as a parameter named 'request'.",
                    obj=route.entity,
                    id="nitro_dispatch.E002",
                )


def _check_tables() -> Iterator[CheckMessage]:
    tables = discover_entities()
    for klass in entity_classes():
        if klass not in tables and not any(issubclass(table, klass) for table in tables):
            yield Warning(
                f"{klass.__module__}.{klass.__qualname__} is an Entity without table=True, and "
                "no table entity inherits from it: it has no table and its actions are not "
                "routed.",
                hint=f"Declare it as class {klass.__name__}(Entity, table=True).",
                obj=klass,
                id="nitro_dispatch.W001",
            )


def _check_admin_columns() -> Iterator[CheckMessage]:
    from .mirrors import skipped

    for left_out in skipped():
        entity = left_out.entity
        yield Warning(
            f"{entity.__module__}.{entity.__qualname__}.{left_out.column} is not in the admin: "
            f"{left_out.reason}.",
            hint="Change the field's type, or give the entity its own admin (admin = ...).",
            obj=entity,
            id="nitro_dispatch.W002",
        )


def _check_sqlite_transactions() -> Iterator[CheckMessage]:
    alias = get_settings().DATABASE
    database: dict[str, Any] = settings.DATABASES.get(alias, {})
    if not str(database.get("ENGINE", "")).endswith("sqlite3"):
        return
    options: dict[str, Any] = database.get("OPTIONS", {})
    mode = str(options.get("transaction_mode") or "DEFERRED").upper()
    if mode == "DEFERRED":
        yield Warning(
            f"DATABASES[{alias!r}] is SQLite with deferred transactions: one that reads, then "
            "writes fails at once with 'database is locked' while another is writing. Entity "
            "actions take the write lock first; the admin's saves and your own atomic() blocks "
            "do not.",
            hint=f'Set DATABASES[{alias!r}]["OPTIONS"]["transaction_mode"] = "IMMEDIATE": '
            "writers then wait for each other (up to the timeout option, 5 seconds by default).",
            id="nitro_dispatch.W003",
        )


def _check_hidden(entities: Iterable[type[Entity]]) -> Iterator[CheckMessage]:
    for entity in entities:
        for name, kind in hidden(entity).items():
            declared = "field" if name in entity.model_fields else "relationship"
            names = {"entity": entity.__name__, "name": name, "declared": declared}
            column = (
                f"; its column can keep its name: Field(..., sa_column_kwargs={{'name': {name!r}}})"
            )
            yield Warning(
                f"The {declared} {name!r} of {entity.__module__}.{entity.__qualname__} hides "
                f"Entity.{name}{_CALLED[kind]}: {_HIDDEN[kind].format(**names)} Entity's other "
                f"methods still work on {entity.__name__}: none of them uses {name}.",
                hint=f"Rename the {declared} to {_USE[kind].format(**names)}"
                f"{column if declared == 'field' else ''}.",
                obj=entity,
                id="nitro_dispatch.W008",
            )


_CALLED: dict[Kind, str] = {"class method": "()", "method": "()", "property": "", "option": ""}
_HIDDEN: dict[Kind, str] = {
    "class method": "{entity}.{name} is the {declared}, so {entity}.{name}() fails.",
    "method": "on a {entity}, .{name} is the {declared}, so .{name}() fails.",
    "property": "on a {entity}, .{name} is the {declared}.",
    "option": "{entity}.{name} is the {declared}, so the option keeps its default for {entity}.",
}
_USE: dict[Kind, str] = {
    "class method": "call {entity}.{name}()",
    "method": "call .{name}() on a {entity}",
    "property": "read .{name} of a {entity}",
    "option": "set the option {entity}.{name}",
}


@register(Tags.database)
def check_schema(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Entity tables and columns the database lacks, or holds differently.

    A database check, as Django's own: it runs with ``check --database <alias>``, before
    ``migrate`` (on the database migrated) and in ``manage.py test``, when the alias is the
    entity database.
    """
    alias = get_settings().DATABASE
    if alias not in (databases or ()):
        return []
    try:
        return compare(alias).messages()
    except (DatabaseError, SQLAlchemyError) as exc:
        return [
            Warning(
                f"DATABASES[{alias!r}] could not be read, so the entity tables were not compared "
                f"with it: {' '.join(str(exc).split())}",
                hint=f"Make sure the database is running and that DATABASES[{alias!r}] points at "
                f"it, then run manage.py check --database {alias}.",
                id="nitro_dispatch.W007",
            )
        ]
