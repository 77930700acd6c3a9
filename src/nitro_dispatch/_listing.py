"""Nitro's listing and describing API, mixed into Entity: filter(), search(), find_by(), the
``signals`` of an entity, and fields_meta()."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, Self, cast, overload

from sqlmodel import select

from rustytags_backend.html.datastar import Signals

from ._model import FieldsMeta, fields_meta
from ._query import field_clauses, field_columns, page, results, search_clause, sorted_by
from .db import session

if TYPE_CHECKING:
    from .entity import Entity

__all__ = ["Listing"]


def _entity(klass: type[Any]) -> type[Entity]:
    # Listing is a base of Entity only.
    return cast("type[Entity]", klass)


class Listing:
    """Entity's Nitro queries that list and describe (see Entity)."""

    @overload
    @classmethod
    def filter(
        cls,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: Literal[False] = False,
        fields: None = None,
        exact_match: bool = True,
        **field_values: Any,
    ) -> list[Self]: ...
    @overload
    @classmethod
    def filter(
        cls,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        *,
        as_dict: Literal[True],
        fields: Sequence[str] | None = None,
        exact_match: bool = True,
        **field_values: Any,
    ) -> list[dict[str, Any]]: ...
    @overload
    @classmethod
    def filter(
        cls,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: Literal[False] = False,
        *,
        fields: Sequence[str],
        exact_match: bool = True,
        **field_values: Any,
    ) -> list[Any]: ...
    @classmethod
    def filter(
        cls,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: bool = False,
        fields: Sequence[str] | None = None,
        exact_match: bool = True,
        **field_values: Any,
    ) -> list[Any]:
        """Entities whose fields match *field_values* (``Todo.filter(completed=False)``).

        A value matches equal values; ``None`` matches NULL; a list (or tuple) matches any of its
        values, but a pair on a date or datetime field matches the range between them, ends
        included. With *exact_match* False, text on a text field matches values containing it,
        ignoring case. Values are converted to the field's type first (a ValidationError if
        they cannot be). An unknown field is a ValueError.

        The entities come by *sorting_field* (a field name) in *sort_direction* (``"asc"`` or
        ``"desc"``), else by primary key; *limit* and *offset* page them. With *as_dict*, each
        is its ``model_dump()``; with *fields* (field names), each is the value of the one field,
        a tuple of the values of several, or with *as_dict* a dict of them.
        """
        clauses = field_clauses(_entity(cls), field_values, exact=exact_match)
        return cls._select(clauses, sorting_field, sort_direction, limit, offset, as_dict, fields)

    @overload
    @classmethod
    def search(
        cls,
        search_value: str | None = None,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: Literal[False] = False,
        fields: None = None,
    ) -> list[Self]: ...
    @overload
    @classmethod
    def search(
        cls,
        search_value: str | None = None,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        *,
        as_dict: Literal[True],
        fields: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]: ...
    @overload
    @classmethod
    def search(
        cls,
        search_value: str | None = None,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: Literal[False] = False,
        *,
        fields: Sequence[str],
    ) -> list[Any]: ...
    @classmethod
    def search(
        cls,
        search_value: str | None = None,
        sorting_field: str | None = None,
        sort_direction: str = "asc",
        limit: int | None = None,
        offset: int | None = None,
        as_dict: bool = False,
        fields: Sequence[str] | None = None,
    ) -> list[Any]:
        """Entities one of whose text fields contains *search_value*, ignoring case (``%`` and
        ``_`` are plain characters); all of them without a *search_value*.

        The other arguments as for filter().
        """
        clause = search_clause(_entity(cls), search_value)
        clauses = [] if clause is None else [clause]
        return cls._select(clauses, sorting_field, sort_direction, limit, offset, as_dict, fields)

    @classmethod
    def _select(
        cls,
        clauses: list[Any],
        sorting_field: str | None,
        sort_direction: str,
        limit: int | None,
        offset: int | None,
        as_dict: bool,
        fields: Sequence[str] | None,
    ) -> list[Any]:
        entity = _entity(cls)
        query = select(*field_columns(entity, fields)).where(*clauses)
        query = page(sorted_by(entity, query, sorting_field, sort_direction), limit, offset)
        with session() as s:
            found = s.execute(query)
            rows = found.all() if fields else found.scalars().all()
        return results(rows, fields, as_dict)

    @classmethod
    def find_by(cls, **field_values: Any) -> Self | None:
        """The first entity (by primary key) whose fields equal *field_values*, or None."""
        return _entity(cls)._first(**field_values)  # type: ignore[return-value]

    @property
    def signals(self) -> Signals:
        """The entity's values as JSON-ready ``Signals``, for ``Div(signals=todo.signals)``:
        ``todo.signals.title`` is the Signal ``$title`` for expressions."""
        return Signals(**_entity(type(self)).model_dump(cast("Entity", self), mode="json"))

    @classmethod
    def fields_meta(
        cls, exclude: list[str] | None = None, include_computed: bool = False
    ) -> FieldsMeta:
        """Each field's metadata, for building forms and tables: name → ``{"name", "type",
        "format", "required", "title", "description", "enum", "default", "extra",
        "model_name", "model_class"}``, from the entity's JSON schema, in declaration order.

        ``extra`` holds the field's ``json_schema_extra`` and its bounds (``minimum``,
        ``maximum``, ``minLength``, ``maxLength``). Fields in *exclude* are left out;
        *include_computed* adds the ``@computed_field`` properties (``extra["read_only"]``).
        """
        return fields_meta(_entity(cls), exclude, include_computed)
