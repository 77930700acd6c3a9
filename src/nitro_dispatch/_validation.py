"""What an entity may hold: pydantic's rules for each field, and what its column can store.

pydantic checks types and the field's own constraints. The column adds what the database would
otherwise refuse with an error, or store wrongly: integers beyond the column's range (PostgreSQL's
``integer`` is 32 bits; SQLite holds 64), text longer than a ``String(n)`` column, and text with
NUL characters or unpaired surrogates, which neither database can store. Errors are pydantic
``ValidationError``\\ s, so an action that stores a bad value answers 422 with the field errors.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, Any, Final

from django.db import connections
from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError
from sqlalchemy import BigInteger, Column, Integer, SmallInteger, String
from sqlalchemy import inspect as sa_inspect

if TYPE_CHECKING:
    from .entity import Entity

__all__ = [
    "SIGNED_64",
    "column_errors",
    "entity_columns",
    "entity_key",
    "entity_vendor",
    "integer_bounds",
    "integer_error",
    "raise_errors",
    "text_error",
    "validate_field",
    "validate_values",
]

_UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
_INTEGER_LITERAL: Final = re.compile(r"-?[0-9]{1,20}")
# The widest integers a column holds: BIGINT, and SQLite's INTEGER.
SIGNED_64: Final = (-(2**63), 2**63 - 1)
# PostgreSQL's integer types; SQLite stores every integer in up to 64 bits.
_POSTGRESQL_BOUNDS: Final = (
    (BigInteger, SIGNED_64),
    (SmallInteger, (-(2**15), 2**15 - 1)),
    (Integer, (-(2**31), 2**31 - 1)),
)


def text_error(value: str) -> InitErrorDetails | None:
    """The error for text no database can store (NUL, unpaired surrogates), without its loc."""
    found = _UNSTORABLE.search(value)
    if found is None:
        return None
    if found.group() == "\x00":
        kind = PydanticCustomError("null_character", "Null characters are not allowed")
    else:
        kind = PydanticCustomError("surrogate_character", "Unpaired surrogates are not allowed")
    return {"type": kind, "loc": (), "input": value}


def integer_bounds(column_type: Any, vendor: str) -> tuple[int, int]:
    """The smallest and largest integer a column of *column_type* holds on *vendor*."""
    if vendor != "postgresql":
        return SIGNED_64
    return next((bounds for kind, bounds in _POSTGRESQL_BOUNDS if isinstance(column_type, kind)),
                SIGNED_64)  # fmt: skip


def integer_error(value: int, bounds: tuple[int, int]) -> InitErrorDetails | None:
    """The error for *value* outside *bounds* (lowest, highest), without its loc."""
    low, high = bounds
    if value > high:
        return {"type": "less_than_equal", "loc": (), "input": value, "ctx": {"le": high}}
    if value < low:
        return {"type": "greater_than_equal", "loc": (), "input": value, "ctx": {"ge": low}}
    return None


@cache
def entity_columns(entity: type[Entity]) -> dict[str, Column[Any]]:
    mapper = sa_inspect(entity)
    return {name: attribute.columns[0] for name, attribute in mapper.column_attrs.items()}


def entity_key(entity: type[Entity], id: Any) -> Any:
    """*id* as the key column of *entity* takes it, or None if no row can have it."""
    column = entity_columns(entity)["id"]
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


def entity_vendor() -> str:
    """The vendor of the entity database (``NITRO_DISPATCH[\"DATABASE\"]``)."""
    from .conf import get_settings

    return connections[get_settings().DATABASE].vendor


def column_errors(entity: type[Entity], values: dict[str, Any]) -> list[InitErrorDetails]:
    """What the columns of *entity* cannot store among *values* (field name → value)."""
    if not entity.model_config.get("table"):
        return []
    columns = entity_columns(entity)
    vendor = entity_vendor()
    errors: list[InitErrorDetails] = []
    for name, value in values.items():
        column = columns[name]
        error: InitErrorDetails | None = None
        if isinstance(value, str):
            error = text_error(value)
            length = column.type.length if isinstance(column.type, String) else None
            if error is None and length is not None and len(value) > length:
                error = {
                    "type": "string_too_long",
                    "loc": (),
                    "input": value,
                    "ctx": {"max_length": length},
                }
        elif isinstance(value, int) and isinstance(column.type, Integer):
            error = integer_error(value, integer_bounds(column.type, vendor))
        if error is not None:
            errors.append({**error, "loc": (name,)})
    return errors


def raise_errors(entity: type[Entity], errors: list[InitErrorDetails]) -> None:
    """Raise the *errors* as one pydantic ValidationError, if there are any."""
    if errors:
        raise ValidationError.from_exception_data(entity.__name__, errors)


def _scratch(instance: Entity, held: dict[str, Any]) -> Entity:
    # A stand-in for *instance* that pydantic may fill: the entity itself stays untouched.
    scratch = object.__new__(type(instance))
    object.__setattr__(scratch, "__dict__", held)
    object.__setattr__(scratch, "__pydantic_fields_set__", set())
    object.__setattr__(scratch, "__pydantic_extra__", None)
    object.__setattr__(scratch, "__pydantic_private__", None)
    return scratch


def validate_field(instance: Entity, name: str, value: Any) -> Any:
    """Return *value* as pydantic validates it for field *name*, or raise ValidationError.

    pydantic's assignment validation (the field's type, constraints and validators, and the
    model's validators) runs on a copy, so a refused value leaves *instance* as it was.
    """
    entity = type(instance)
    scratch = _scratch(instance, dict(instance.__dict__))
    entity.__pydantic_validator__.validate_assignment(scratch, name, value)
    validated = scratch.__dict__[name]
    raise_errors(entity, column_errors(entity, {name: validated}))
    return validated


def validate_values(instance: Entity, values: dict[str, Any]) -> dict[str, Any] | None:
    """Return *values* (field name → value) as pydantic validates them together, or raise.

    Return None if fields the entity requires are missing and nothing else is wrong: a table
    entity may be built without them (they are checked when it is saved).
    """
    entity = type(instance)
    # A table entity's SQLAlchemy state, for validators that read other fields.
    state = instance.__dict__.get("_sa_instance_state")
    scratch = _scratch(instance, {} if state is None else {"_sa_instance_state": state})
    try:
        entity.__pydantic_validator__.validate_python(values, self_instance=scratch)
    except ValidationError as exc:
        if any(error["type"] != "missing" for error in exc.errors()):
            raise
        return None
    validated = {name: scratch.__dict__[name] for name in values}
    raise_errors(entity, column_errors(entity, validated))
    return validated
