"""Django models that mirror entity tables, so the admin can show and edit them.

Each table entity gets an unmanaged model (``managed = False``: Django never creates, alters or
drops its table) in this app, which has no migrations: ``makemigrations`` stays silent, and the
permissions ``view/add/change/delete_<entity>`` are created on migrate. Built while Django loads
models (see models.py), after each installed app's ``entities`` module is imported.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from django import forms
from django.apps import apps
from django.db import models
from sqlalchemy import Column, types
from sqlalchemy.sql.type_api import TypeDecorator

from ._tables import entity_tables, reference_django_tables
from .entity import Entity

__all__ = ["Mirror", "Skipped", "build", "mirrors", "skipped"]

APP_LABEL = "nitro_dispatch"


@dataclass(frozen=True)
class Skipped:
    """A column the admin leaves out, and why."""

    entity: type[Entity]
    column: str
    reason: str


@dataclass
class Mirror:
    """An entity's mirror model and what the admin derives from its fields."""

    entity: type[Entity]
    model: type[models.Model]
    search_fields: list[str] = field(default_factory=list)
    list_filter: list[str] = field(default_factory=list)
    foreign_keys: list[str] = field(default_factory=list)


_MIRRORS: dict[type[Entity], Mirror] = {}
_SKIPPED: list[Skipped] = []


def mirrors() -> list[Mirror]:
    """The mirrors built, in dependency order (targets of foreign keys first)."""
    return list(_MIRRORS.values())


def skipped() -> list[Skipped]:
    """The columns left out of the mirrors (reported by check nitro_dispatch.W002)."""
    return list(_SKIPPED)


class OneLineTextField(models.TextField):  # type: ignore[type-arg]
    """An unbounded string column, edited in a one-line input (not a textarea)."""

    def formfield(self, **kwargs: Any) -> Any:
        return super().formfield(**{"widget": forms.TextInput, **kwargs})


class ParsedJSONField(models.JSONField):
    """A JSON column as SQLAlchemy creates it: on PostgreSQL ``json``, which psycopg parses."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or isinstance(value, str):
            return super().from_db_value(value, expression, connection)
        return value


# Column types whose Django field needs nothing but the common options, in the order to test
# them (Float is a Numeric, BigInteger an Integer).
_PLAIN_FIELDS: Final[tuple[tuple[type[Any], type[models.Field[Any, Any]]], ...]] = (
    (types.Boolean, models.BooleanField),
    (types.BigInteger, models.BigIntegerField),
    (types.Integer, models.IntegerField),
    (types.Float, models.FloatField),
    (types.DateTime, models.DateTimeField),
    (types.Date, models.DateField),
    (types.Time, models.TimeField),
    (types.JSON, ParsedJSONField),
)


def _implementation(column_type: types.TypeEngine[Any]) -> types.TypeEngine[Any]:
    # Interval decorates DateTime but is no datetime: SQLite stores it as one past the epoch,
    # where Django's DurationField stores microseconds. It stays unmapped.
    if isinstance(column_type, TypeDecorator) and not isinstance(column_type, types.Interval):
        return column_type.impl_instance
    return column_type


def _default(entity: type[Entity], name: str) -> Callable[[], Any] | None:
    info = entity.model_fields.get(name)
    return info.default_factory if info is not None else None  # type: ignore[return-value]


def _field(entity: type[Entity], column: Column[Any], by_table: dict[str, Any]) -> Any:
    """Return the Django field for *column*, or a str saying why there is none."""
    options: dict[str, Any] = {"db_column": column.name}
    if column.nullable and not column.primary_key:
        options.update(null=True, blank=True)
    if column.foreign_keys:
        [foreign_key] = column.foreign_keys
        target = by_table.get(foreign_key.target_fullname.rsplit(".", 1)[0])
        if target is None:
            return (
                f"its foreign key {foreign_key.target_fullname!r} names no entity, nor a Django "
                "model of an app listed before nitro_dispatch in INSTALLED_APPS"
            )
        return models.ForeignKey(
            target, on_delete=models.PROTECT, db_constraint=False, related_name="+", **options
        )
    column_type = _implementation(column.type)
    if column.primary_key:
        if isinstance(column_type, types.Integer):
            return models.AutoField(primary_key=True, db_column=column.name)
        default = _default(entity, column.name)
        return models.CharField(
            primary_key=True, max_length=255, editable=False, default=default, db_column=column.name
        )
    if isinstance(column_type, types.Enum):
        # SQLAlchemy stores an Enum's member names; show their values as labels.
        members = column_type.enum_class
        if isinstance(members, type) and issubclass(members, enum.Enum):
            choices = [(member.name, str(member.value)) for member in members]
        else:
            choices = [(value, value) for value in column_type.enums]
        length = max((len(name) for name, _ in choices), default=1)
        return models.CharField(max_length=length, choices=choices, **options)
    for column_class, field_class in _PLAIN_FIELDS:
        if isinstance(column_type, column_class):
            return field_class(**options)
    if isinstance(column_type, types.Numeric):
        if column_type.precision is None or column_type.scale is None:
            return "a Decimal needs Field(max_digits=..., decimal_places=...)"
        return models.DecimalField(
            max_digits=column_type.precision, decimal_places=column_type.scale, **options
        )
    if isinstance(column_type, types.Uuid):
        return models.UUIDField(default=_default(entity, column.name) or uuid.uuid4, **options)
    if isinstance(column_type, types.String):
        # An empty string is a value: the form may leave it empty unless the entity requires it.
        info = entity.model_fields.get(column.name)
        options["blank"] = options.get("blank", False) or not (info and info.is_required())
        if column_type.length:
            return models.CharField(max_length=column_type.length, **options)
        return OneLineTextField(**options)
    return f"the admin has no field for its type {column.type!r}"


def build() -> None:
    """Build a mirror for every table entity not opted out with ``admin = False``."""
    from .dispatcher import discover_entities

    entities = {entity.__table__.name: entity for entity in discover_entities()}  # type: ignore[attr-defined]
    # Models are still loading: apps.all_models holds those of the apps before this one in
    # INSTALLED_APPS, which is where a foreign key to a Django model can point.
    by_table: dict[str, Any] = {
        model._meta.db_table: model
        for label, models_of_app in apps.all_models.items()
        if label != APP_LABEL
        for model in models_of_app.values()
    }
    reference_django_tables(by_table.values())
    for table in entity_tables():
        entity = entities.get(table.name)
        if entity is None or entity in _MIRRORS or entity.admin is False:
            continue
        mirror = _mirror(entity, by_table)
        by_table[table.name] = mirror.model
        _MIRRORS[entity] = mirror


def _mirror(entity: type[Entity], by_table: dict[str, Any]) -> Mirror:
    attributes: dict[str, Any] = {"__module__": f"{APP_LABEL}.models"}
    search_fields, list_filter, foreign_keys = [], [], []
    for column in entity.__table__.columns:  # type: ignore[attr-defined]
        made = _field(entity, column, by_table)
        if isinstance(made, str):
            _SKIPPED.append(Skipped(entity, column.name, made))
            continue
        name = (
            column.name.removesuffix("_id") if isinstance(made, models.ForeignKey) else column.name
        )
        attributes[name] = made
        if isinstance(made, models.ForeignKey):
            foreign_keys.append(name)
        elif made.choices or isinstance(made, models.BooleanField | models.DateField):
            list_filter.append(name)  # DateTimeField is a DateField
        elif isinstance(made, models.CharField | models.TextField) and not made.primary_key:
            search_fields.append(name)
    primary_key = entity.__table__.primary_key.columns[0].name  # type: ignore[attr-defined]
    attributes["Meta"] = type(
        "Meta",
        (),
        {
            "managed": False,
            "db_table": entity.__table__.name,  # type: ignore[attr-defined]
            "app_label": APP_LABEL,
            "ordering": [primary_key],
            "verbose_name": entity.__name__,
        },
    )
    if "__str__" in vars(entity):
        attributes["__str__"] = vars(entity)["__str__"]
    model = type(entity.__name__, (models.Model,), attributes)
    return Mirror(entity, model, search_fields, list_filter, foreign_keys)
