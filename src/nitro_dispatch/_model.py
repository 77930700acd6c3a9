"""What an entity class declares: the Entity names its fields hide, its relationships, its fields'
metadata.

Entity's metaclass resolves relationship annotations that are strings (``from __future__ import
annotations``), which SQLModel hands to SQLAlchemy unparsed, and silences pydantic's warning for a
field named like an Entity method (``count: int``, as Nitro's Counter has): the field wins, as
in Nitro, and check nitro_dispatch.W008 says what that costs.
"""

from __future__ import annotations

import builtins
import re
import sys
import warnings
from inspect import getattr_static
from typing import TYPE_CHECKING, Any, ForwardRef, Literal, dataclass_transform

from sqlmodel import SQLModel
from sqlmodel.main import Field, FieldInfo, SQLModelMetaclass

if TYPE_CHECKING:
    from .entity import Entity

__all__ = ["EntityMetaclass", "FieldsMeta", "api", "fields_meta", "hidden", "resolve"]

Kind = Literal["class method", "method", "property", "option"]


# As SQLModel's metaclass is, for type checkers to see the fields as constructor arguments.
@dataclass_transform(kw_only_default=True, field_specifiers=(Field, FieldInfo))
class EntityMetaclass(SQLModelMetaclass):
    """SQLModel's metaclass, for fields named like Entity's methods and postponed annotations."""

    def __new__(
        cls, name: str, bases: tuple[type[Any], ...], class_dict: dict[str, Any], **kwargs: Any
    ) -> Any:
        hiding = _hiding_warnings(name, bases, class_dict)
        if not hiding:
            return super().__new__(cls, name, bases, class_dict, **kwargs)
        # pydantic warns once at import; check W008 reports it in full instead. (Filters are
        # process-wide: a warning another thread raises meanwhile, with this exact text, would be
        # silenced too.)
        with warnings.catch_warnings():
            for message in hiding:
                warnings.filterwarnings("ignore", message=message, category=UserWarning)
            return super().__new__(cls, name, bases, class_dict, **kwargs)

    def __init__(
        cls, classname: str, bases: tuple[type, ...], dict_: dict[str, Any], **kw: Any
    ) -> None:
        if cls.model_config.get("table"):
            _resolve_relationship_annotations(cls)
        super().__init__(classname, bases, dict_, **kw)


def _root(bases: tuple[type[Any], ...]) -> type[Any] | None:
    """Entity, if *bases* derive from it."""
    for base in bases:
        for klass in base.__mro__:
            if isinstance(klass, EntityMetaclass) and not any(
                isinstance(parent, EntityMetaclass) for parent in klass.__bases__
            ):
                return klass
    return None


def api(root: type[Any]) -> dict[str, Kind]:
    """The public names Entity (*root*) and its mixins define, and what each is."""
    names: dict[str, Kind] = {}
    for klass in root.__mro__[: root.__mro__.index(SQLModel)]:
        for name, value in vars(klass).items():
            if name.startswith(("_", "model_")) or name in root.model_fields or name in names:
                continue
            if isinstance(value, classmethod | staticmethod):
                names[name] = "class method"
            elif isinstance(value, property):
                names[name] = "property"
            elif callable(value):
                names[name] = "method"
            else:
                names[name] = "option"
    return names


def _hiding_warnings(
    name: str, bases: tuple[type[Any], ...], class_dict: dict[str, Any]
) -> list[str]:
    root = _root(bases)
    if root is None:
        return []
    qualname = class_dict.get("__qualname__", name)
    hiding = set(api(root)) & set(class_dict.get("__annotations__", {}))
    return [
        re.escape(
            f'Field name "{field}" in "{qualname}" shadows an attribute in parent '
            f'"{base.__qualname__}"'
        )
        for field in sorted(hiding)
        for base in bases
        if getattr_static(base, field, None) is getattr_static(root, field)
    ]


def hidden(entity: type[Entity]) -> dict[str, Kind]:
    """Entity's names that fields or relationships of *entity* hide (name → what it is)."""
    from .entity import Entity

    declared = [*entity.model_fields, *entity.__sqlmodel_relationships__]
    return {name: kind for name, kind in api(Entity).items() if name in declared}


class _Names(dict[str, Any]):
    """A module's names, for evaluating an annotation: a name not defined yet is a ForwardRef,
    which SQLModel and SQLAlchemy look up by class name."""

    def __missing__(self, name: str) -> Any:
        if hasattr(builtins, name):
            return getattr(builtins, name)
        return ForwardRef(name)


def _resolve_relationship_annotations(cls: Any) -> None:
    module = sys.modules.get(cls.__module__)
    names = getattr(module, "__dict__", {})
    annotations = cls.__annotations__
    for name in [name for name in cls.__sqlmodel_relationships__ if name in annotations]:
        annotations[name] = resolve(annotations[name], names)


def resolve(annotation: Any, names: dict[str, Any]) -> Any:
    """*annotation* evaluated among *names* if it is a string that can be; as it is otherwise
    (SQLModel reports what it cannot use)."""
    if not isinstance(annotation, str):
        return annotation
    try:
        # As typing.get_type_hints() evaluates annotations; every name is looked up in _Names.
        return eval(annotation, {"__builtins__": builtins}, _Names(names))
    except Exception:
        return annotation


class FieldsMeta(dict[str, dict[str, Any]]):
    """Field name → metadata; the fields are attributes too (``Todo.fields_meta().title``)."""

    def __getattr__(self, name: str) -> dict[str, Any]:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"No field {name!r} in these fields: {', '.join(self) or 'none'}."
            ) from None


# JSON schema keys fields_meta() reports in their own entries, or not at all.
_STANDARD: frozenset[str] = frozenset(
    {
        "type", "format", "title", "description", "enum", "default", "anyOf", "allOf", "oneOf",
        "items", "properties", "additionalProperties", "required", "minLength", "maxLength",
        "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
        "minItems", "maxItems", "uniqueItems", "const", "examples", "$ref", "definitions",
        "readOnly",
    }
)  # fmt: skip
_CONSTRAINTS = ("minimum", "maximum", "minLength", "maxLength")


def fields_meta(
    entity: type[Entity], exclude: list[str] | None = None, include_computed: bool = False
) -> FieldsMeta:
    """Nitro's field metadata of *entity*, from its JSON schema (see Entity.fields_meta)."""
    schema = entity.model_json_schema(mode="serialization" if include_computed else "validation")
    definitions: dict[str, Any] = schema.get("$defs", {})
    required = set(schema.get("required", ()))

    def resolved(info: dict[str, Any]) -> dict[str, Any]:
        reference = info.get("$ref", "")
        if not reference.startswith("#/$defs/"):
            return info
        target = definitions.get(reference.rpartition("/")[2], {})
        return {**target, **{key: value for key, value in info.items() if key != "$ref"}}

    found = FieldsMeta()
    for name, given in schema.get("properties", {}).items():
        if name in (exclude or ()):
            continue
        info = resolved(given)
        # An optional field's type is the one that is not null.
        options = [option for option in info.get("anyOf", ()) if option.get("type") != "null"]
        kind = resolved(options[0]) if options else info
        extra = {key: value for key, value in info.items() if key not in _STANDARD}
        extra.update((key, kind[key]) for key in _CONSTRAINTS if key in kind)
        if info.get("readOnly"):
            extra["read_only"] = True
        found[name] = {
            "model_name": entity.__name__,
            "model_class": entity,
            "name": name,
            "type": kind.get("type", "string" if kind is not info else None),
            "format": kind.get("format"),
            "required": name in required,
            "title": info.get("title", name.replace("_", " ").title()),
            "description": info.get("description", ""),
            "enum": kind.get("enum"),
            "default": info.get("default"),
            "extra": extra,
        }
    return found
