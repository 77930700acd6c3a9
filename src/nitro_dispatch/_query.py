"""The queries of Nitro's ``filter()`` and ``search()``: clauses from field values, sorting, paging.

Values are converted to the field's type first (pydantic, lax: ``"2024-05-01"`` for a date,
``"low"`` for an enum member, a UUID's text for a UUID), so they compare as stored; a value of
the wrong type raises pydantic's ValidationError. A value no column can hold (a number beyond its
range, text with NUL) matches no row instead of failing in the database. Contained text is
matched case-insensitively and literally: ``%`` and ``_`` are not wildcards.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, Final, TypeVar, Union, get_args, get_origin

from pydantic import TypeAdapter, ValidationError
from pydantic.errors import PydanticSchemaGenerationError
from pydantic_core import InitErrorDetails
from sqlalchemy import Enum, Select, String, false, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import TypeDecorator

from ._validation import column_errors, entity_columns

if TYPE_CHECKING:
    from .entity import Entity

__all__ = [
    "field_clauses",
    "field_columns",
    "known_field",
    "page",
    "results",
    "search_clause",
    "sorted_by",
]

_DIRECTIONS: Final = ("asc", "desc")
_Query = TypeVar("_Query", bound=Select[Any])


def known_field(entity: type[Entity], name: str, purpose: str = "") -> str:
    """Return *name* if it is a field of *entity*; raise ValueError naming the fields if not."""
    if name not in entity.model_fields:
        fields = ", ".join(entity.model_fields)
        raise ValueError(
            f"{entity.__name__} has no field {name!r}{purpose}; its fields are: {fields}."
        )
    return name


def _unknown(entity: type[Entity], names: Iterable[str]) -> None:
    unknown = [name for name in names if name not in entity.model_fields]
    if len(unknown) == 1:
        known_field(entity, unknown[0])
    elif unknown:
        listed = ", ".join(repr(name) for name in unknown)
        fields = ", ".join(entity.model_fields)
        raise ValueError(f"{entity.__name__} has no fields {listed}; its fields are: {fields}.")


@cache
def _adapter(entity: type[Entity], name: str) -> TypeAdapter[Any] | None:
    try:
        return TypeAdapter(entity.model_fields[name].annotation or Any)
    except PydanticSchemaGenerationError:  # an arbitrary type: compared as given
        return None


def _typed(entity: type[Entity], name: str, value: Any) -> Any:
    adapter = _adapter(entity, name)
    if adapter is None:
        return value
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        errors: list[InitErrorDetails] = [
            {"type": error["type"], "loc": (name, *error["loc"]), "input": error["input"],
             **({"ctx": error["ctx"]} if "ctx" in error else {})}  # type: ignore[typeddict-item]
            for error in exc.errors(include_url=False)
        ]  # fmt: skip
        raise ValidationError.from_exception_data(entity.__name__, errors) from None


def _storable(entity: type[Entity], name: str, value: Any) -> bool:
    return not column_errors(entity, {name: value})


def _is_text(entity: type[Entity], name: str) -> bool:
    column_type = entity_columns(entity)[name].type
    if isinstance(column_type, TypeDecorator):
        column_type = column_type.impl_instance
    return isinstance(column_type, String) and not isinstance(column_type, Enum)


def _is_date(entity: type[Entity], name: str) -> bool:
    # As Nitro decides: by the field's type (optional or not).
    annotation = entity.model_fields[name].annotation
    if get_origin(annotation) in (Union, types.UnionType):
        annotation = next((arg for arg in get_args(annotation) if arg is not type(None)), None)
    return isinstance(annotation, type) and issubclass(annotation, date)


def field_clauses(
    entity: type[Entity], values: dict[str, Any], *, exact: bool = True
) -> list[ColumnElement[bool]]:
    """The clauses matching *values* (field name → value), all of them.

    ``None`` matches NULL; a list or tuple matches any of its values (IN), but a pair on a date or
    datetime field matches the range between them, ends included (BETWEEN); with *exact* False,
    text on a text field matches the values containing it, ignoring case.
    """
    _unknown(entity, values)
    clauses: list[ColumnElement[bool]] = []
    for name, value in values.items():
        column = getattr(entity, name)
        if value is None:
            clauses.append(column.is_(None))
        elif not exact and isinstance(value, str) and _is_text(entity, name):
            clauses.append(_contains(entity, name, value))
        elif isinstance(value, list | tuple) and len(value) == 2 and _is_date(entity, name):
            low, high = (_typed(entity, name, end) for end in value)
            clauses.append(column.between(low, high))
        elif isinstance(value, list | tuple | set | frozenset):
            typed = [_typed(entity, name, one) for one in value]
            clauses.append(column.in_([one for one in typed if _storable(entity, name, one)]))
        else:
            typed = _typed(entity, name, value)
            clauses.append(column == typed if _storable(entity, name, typed) else false())
    return clauses


def _contains(entity: type[Entity], name: str, text: str) -> ColumnElement[bool]:
    if not _storable(entity, name, text):  # no row holds it; a database may refuse to compare
        return false()
    clause: ColumnElement[bool] = getattr(entity, name).icontains(text, autoescape=True)
    return clause


def search_clause(entity: type[Entity], text: str | None) -> ColumnElement[bool] | None:
    """The clause matching entities one of whose text fields contains *text*, ignoring case; None
    (all entities) if *text* is empty."""
    if not text:
        return None
    names = [name for name in entity.model_fields if _is_text(entity, name)]
    if not names:
        return false()
    return or_(*(_contains(entity, name, text) for name in names))


def sorted_by(entity: type[Entity], query: _Query, field: str | None, direction: str) -> _Query:
    """*query* ordered by *field* (then by key) in *direction*, ``"asc"`` or ``"desc"``; by key
    without a field."""
    if str(direction).lower() not in _DIRECTIONS:
        raise ValueError(
            f"sort_direction must be 'asc' or 'desc' (in any case), not {direction!r}."
        )
    key = entity_columns(entity)["id"]
    if field is None:
        return query.order_by(key)
    column = getattr(entity, known_field(entity, field, " to sort by"))
    ordered = column.desc() if direction.lower() == "desc" else column.asc()
    return query.order_by(ordered) if field == "id" else query.order_by(ordered, key)


def page(query: _Query, limit: int | None, offset: int | None) -> _Query:
    """*query* limited to *limit* rows from *offset* (both optional, at least 0)."""
    for name, value in (("limit", limit), ("offset", offset)):
        if value is not None and not (type(value) is int and value >= 0):
            raise ValueError(f"{name} must be a whole number, 0 or more, not {value!r}.")
    if limit is not None:
        query = query.limit(limit)
    if offset is not None:
        query = query.offset(offset)
    return query


def field_columns(entity: type[Entity], fields: Sequence[str] | None) -> list[Any]:
    """The columns of *fields* (None: the entity itself), for ``select()``."""
    if fields is None:
        return [entity]
    if isinstance(fields, str) or not fields:
        raise ValueError(f"fields must be a non-empty list of field names, not {fields!r}.")
    _unknown(entity, fields)
    return [getattr(entity, name) for name in fields]


def results(rows: Sequence[Any], fields: Sequence[str] | None, as_dict: bool) -> list[Any]:
    """What filter() and search() return for *rows*: entities, or their dumps with *as_dict*;
    with *fields*, a value per row for one field, a tuple for several, or dicts with *as_dict*."""
    if fields is None:
        return [row.model_dump() for row in rows] if as_dict else list(rows)
    if as_dict:
        return [dict(zip(fields, row, strict=True)) for row in rows]
    if len(fields) == 1:
        return [row[0] for row in rows]
    return [tuple(row) for row in rows]
