"""Entity: a SQLModel table with Nitro's active-record API, on Django's database."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from pydantic_core import InitErrorDetails
from sqlalchemy import delete, func, null
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session, selectinload
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Field, SQLModel, select

from ._listing import Listing
from ._manager import DefaultManager
from ._model import EntityMetaclass
from ._query import field_clauses, known_field, page
from ._validation import (
    column_errors,
    entity_columns,
    entity_key,
    raise_errors,
    validate_field,
    validate_values,
)
from .db import session
from .exceptions import EntityGone, entity_not_found

__all__ = ["Entity", "entity_classes"]


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


class Entity(Listing, SQLModel, metaclass=EntityMetaclass):
    """Base class of entities: ``class Todo(Entity, table=True): title: str``.

    The primary key is ``id``, a UUID4 string by default (declare
    ``id: int | None = Field(default=None, primary_key=True)`` for an integer key). Rows live in
    ``NITRO_DISPATCH["DATABASE"]``, on Django's connection and in Django's transaction.

    A field named like one of these methods (``count: int``) hides it on its entity, as in Nitro;
    the other methods keep working (check nitro_dispatch.W008 lists what is hidden).
    """

    # Nitro's configuration, but validate_assignment (assignments are validated here, once).
    model_config = {"arbitrary_types_allowed": True, "from_attributes": True}
    __route_name__: ClassVar[str | None] = None
    # The Django admin: True (derived options), False (not in the admin), a dict of ModelAdmin
    # options, or a ModelAdmin subclass.
    admin: ClassVar[Any] = True
    # Not a Django model: see DefaultManager.
    _default_manager: ClassVar[DefaultManager] = DefaultManager()

    if TYPE_CHECKING:
        # For type checkers the key is open, so an entity may declare an integer one.
        id: Any = None
    else:
        id: str = Field(default_factory=_new_id, primary_key=True)

    # The methods below call only each other's private forms (``_where``, never ``where``): a
    # field may hide a public name, never a private one.

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
        return entity_key(cls, id)

    # Reading

    @classmethod
    def get(cls, id: Any, *, for_update: bool = False) -> Self | None:
        """Return the entity with primary key *id*, or None.

        Its relationships are loaded with it (``todo.tags`` works once the session is gone), one
        query each. With *for_update*, the row is locked until the transaction ends (``SELECT …
        FOR UPDATE`` on PostgreSQL; on SQLite a writing transaction already holds the database),
        so a change made from what was read cannot overwrite another. Use it inside
        ``transaction.atomic()``; an action's own entity is read this way for you.
        """
        return cls._get(id, for_update=for_update)

    @classmethod
    def find(cls, id: Any) -> Self | None:
        """Nitro's other name for get(): the entity with primary key *id*, or None."""
        return cls._get(id)

    @classmethod
    def _get(cls, id: Any, *, for_update: bool = False) -> Self | None:
        key = cls._key(id)
        if key is None:
            return None
        loading = [
            selectinload(relationship.class_attribute)
            for relationship in sa_inspect(cls).relationships
        ]
        with session() as s:
            return s.get(cls, key, options=loading, with_for_update=True if for_update else None)

    @classmethod
    def get_or_404(cls, id: Any, *, for_update: bool = False) -> Self:
        """Return the entity with primary key *id*; raise Http404 if there is none.

        The entity's ``get_object_or_404()``, for views: ``todo = Todo.get_or_404(pk)``.
        *for_update* as for get().
        """
        return cls._get_or_404(id, for_update=for_update)

    @classmethod
    def _get_or_404(cls, id: Any, *, for_update: bool = False) -> Self:
        entity = cls._get(id, for_update=for_update)
        if entity is None:
            raise entity_not_found(cls, id)
        return entity

    @classmethod
    def exists(cls, id: Any) -> bool:
        """Whether an entity with primary key *id* exists."""
        key = cls._key(id)
        return key is not None and cls._count(entity_columns(cls)["id"] == key) > 0

    @classmethod
    def all(cls) -> list[Self]:
        """Every entity of this class, by primary key (relationships load only through get())."""
        return cls._where()

    @classmethod
    def where(
        cls,
        *clauses: Any,
        order_by: Any = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Self]:
        """Entities matching SQLAlchemy *clauses* (``Todo.where(Todo.done == False)``).

        *order_by* is a column, an expression or a field name (default: the primary key).
        """
        return cls._where(*clauses, order_by=order_by, limit=limit, offset=offset)

    @classmethod
    def _where(
        cls,
        *clauses: Any,
        order_by: Any = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[Self]:
        if isinstance(order_by, str):
            order_by = getattr(cls, known_field(cls, order_by, " to order by"))
        query = select(cls).where(*clauses)
        query = query.order_by(order_by if order_by is not None else entity_columns(cls)["id"])
        with session() as s:
            return list(s.exec(page(query, limit, offset)).all())

    @classmethod
    def first(cls, *clauses: Any, **field_values: Any) -> Self | None:
        """The first entity (by primary key) matching *clauses* and *field_values*, or None."""
        return cls._first(*clauses, **field_values)

    @classmethod
    def _first(cls, *clauses: Any, **field_values: Any) -> Self | None:
        found = cls._where(*clauses, *field_clauses(cls, field_values), limit=1)
        return found[0] if found else None

    @classmethod
    def count(cls, *clauses: Any, **field_values: Any) -> int:
        """How many entities match *clauses* and *field_values* (all, without arguments)."""
        return cls._count(*clauses, **field_values)

    @classmethod
    def _count(cls, *clauses: Any, **field_values: Any) -> int:
        where = [*clauses, *field_clauses(cls, field_values)]
        query = select(func.count()).select_from(cls).where(*where)
        with session() as s:
            return int(s.exec(query).one())

    # Writing

    @classmethod
    def create(cls, **fields: Any) -> Self:
        """Validate *fields*, insert the entity and return it.

        Relationships may be given too (``Student.create(name="Al", courses=[python])``).
        """
        related = cls.__sqlmodel_relationships__
        entity = cls.model_validate({k: v for k, v in fields.items() if k not in related})
        for name in related:
            if name in fields:
                setattr(entity, name, fields[name])
        entity._save()
        return entity

    def save(self) -> Literal[True]:
        """Write this entity and return True (as Nitro's save() does); it then holds the values
        the database holds.

        An entity that was read (or saved before) is updated by its key, changed fields only;
        if its row was deleted meanwhile, EntityGone is raised and nothing is written. A new
        entity is inserted (an existing key is an IntegrityError). Every value is validated
        first (pydantic ValidationError). Related entities assigned to its relationships are
        saved with it.
        """
        self._save()
        return True

    def _save(self) -> None:
        entity = type(self)
        values = self._values()
        missing = self._missing(values) if sa_inspect(self).key is None else []
        raise_errors(entity, [*missing, *column_errors(entity, values)])
        owner = object_session(self)
        if owner is not None:  # read in a session that is still open: write through it
            self._write(owner)
            return
        with session() as s:
            s.add(self)
            self._write(s)
            s.commit()

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
            key = entity_columns(entity)["id"]
            if s.execute(select(key).where(key == self.id)).first() is None:
                raise EntityGone(entity, self.id)
            return
        held = dict(self.__dict__)
        if state.key is None:
            # SQLAlchemy leaves a None out of an INSERT when the column has a default, which
            # would then replace it: the None is written as NULL (and read back).
            columns = entity_columns(type(self))
            for name, column in columns.items():
                defaulted = column.default is not None or column.server_default is not None
                if defaulted and not column.primary_key and name in held and held[name] is None:
                    self.__dict__[name] = null()
        try:
            s.flush()
        except StaleDataError:  # the UPDATE matched no row
            # The failed flush expired the entity; it keeps what it held, as it was not saved.
            s.expunge(self)
            self.__dict__.update(held)
            raise EntityGone(type(self), held["id"]) from None
        except BaseException:
            self.__dict__.update(held)
            raise
        if state.expired_attributes:  # values the database set (server_onupdate)
            s.refresh(self)
        # Loaded while the session is open, as get() does: they can be changed, then saved.
        for relationship in sa_inspect(type(self)).relationships:
            if relationship.key in state.unloaded:
                getattr(self, relationship.key)

    def delete(self) -> bool:
        """Delete this entity's row; return whether there was one.

        Through the session, as Nitro does: the rows of its many-to-many link tables go with it,
        and entities referring to it through a relationship are let go (their foreign key
        becomes NULL) unless the relationship cascades the delete.
        """
        return self._delete()

    def _delete(self) -> bool:
        entity = type(self)
        key = entity._key(self.id)
        if key is None:
            return False
        owner = object_session(self)
        opened: AbstractContextManager[Session] = (
            nullcontext(owner) if owner is not None else session()
        )
        with opened as s:
            # Read (and on PostgreSQL locked) first: a row already gone is not an error.
            held = s.get(entity, key, with_for_update=True)
            if held is None:
                return False
            s.delete(held)
            if owner is None:
                s.commit()
            else:  # the owner's to commit
                s.flush()
        return True

    @classmethod
    def delete_where(cls, *clauses: Any, **field_values: Any) -> int:
        """Delete the entities matching *clauses* and *field_values* (all, without arguments);
        return how many were deleted.

        An entity without relationships is deleted in one statement, so a row changed meanwhile
        is deleted only if it still matches; one with relationships row by row, as delete()
        does, its matching rows locked first.
        """
        return cls._delete_where(*clauses, **field_values)

    @classmethod
    def _delete_where(cls, *clauses: Any, **field_values: Any) -> int:
        where = [*clauses, *field_clauses(cls, field_values)]
        with session() as s:
            if not sa_inspect(cls).relationships:
                result = s.execute(delete(cls).where(*where))
                s.commit()
                return int(getattr(result, "rowcount", 0))
            doomed = s.exec(select(cls).where(*where).with_for_update()).all()
            for one in doomed:
                s.delete(one)
            s.commit()
            return len(doomed)

    @classmethod
    def route_name(cls) -> str:
        """The entity's URL segment: ``__route_name__`` or the lower-cased class name."""
        return cls._route_name()

    @classmethod
    def _route_name(cls) -> str:
        return (cls.__route_name__ or cls.__name__).lower()


def entity_classes() -> list[type[Entity]]:
    """Every subclass of Entity defined so far, tables or not, each once, parents first."""

    def walk(klass: type[Entity]) -> Iterator[type[Entity]]:
        for subclass in klass.__subclasses__():
            yield subclass
            yield from walk(subclass)

    return list(dict.fromkeys(walk(Entity)))
