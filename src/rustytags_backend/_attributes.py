"""Attribute names and values: RustyTags' keyword conventions, made safe and ordered.

A call's keyword names are mapped to attribute names once per *shape* (the tuple of names in
call order) and the result is cached, so the per-call work is one dict lookup and, for each
value, an escape. Values are escaped every time: they are the part that carries user data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.functional import Promise

from ._escape import escape
from ._js import client_safe, js_literal

__all__ = ["attribute_name", "render_attributes"]

# How a value is written, decided by the attribute's name.
# Kinds up to EXPRESSION write a str value escaped, as it is; the others transform it.
PLAIN: Final = 0
ARIA: Final = 1  # booleans are written out: aria-hidden="" would mean the default, not true
FLAG: Final = 2  # Datastar attributes that act by being there (data-ignore): booleans as HTML's
EXPRESSION: Final = 3  # Datastar expressions: strings are JS the author wrote, booleans JS too
SIGNALS: Final = 4  # values are data: always JSON
SIGNAL_NAME: Final = 5  # data-bind="name": RustyTags accepts and drops a leading $

_ALIASES: Final[Mapping[str, str]] = {
    "cls": "class",
    "_class": "class",
    "class_": "class",
    "klass": "class",
    "htmlClass": "class",
    "_for": "for",
    "for_": "for",
    "fr": "for",
    "htmlFor": "for",
    "type_": "type",
}

# Datastar 1.0 attribute plugins, as datastar-py's attribute generator names them
# (data-on-intersect, not RustyTags' data-on:intersect).
_DATASTAR_PLUGINS: Final = frozenset(
    {
        "attr",
        "bind",
        "class",
        "computed",
        "custom_validity",
        "effect",
        "ignore",
        "ignore_morph",
        "indicator",
        "init",
        "json_signals",
        "on_intersect",
        "on_interval",
        "on_keys",
        "on_raf",
        "on_resize",
        "on_signal_patch",
        "on_signal_patch_filter",
        "persist",
        "preserve_attr",
        "query_string",
        "ref",
        "replace_url",
        "scroll_into_view",
        "show",
        "signals",
        "style",
        "text",
        "view_transition",
    }
)
# Plugins written without the data_ prefix; attr, class and style would clash with HTML.
_SHORT_PLUGINS: Final = _DATASTAR_PLUGINS - {"attr", "class", "style"}
# Plugins that take a key after a colon: data-on:click, data-signals:count, data-attr:title.
# on_keys (the data-on-keys plugin: on_keys_ctrl_k is data-on-keys:ctrl-k) comes before on.
_KEYED_PLUGINS: Final = (
    "attr",
    "bind",
    "class",
    "computed",
    "indicator",
    "on_keys",
    "on",
    "ref",
    "signals",
    "style",
)
# Plugins whose presence is what counts: data-ignore="false" would still ignore the element.
_FLAG_PLUGINS: Final = frozenset(
    {"ignore", "ignore-morph", "json-signals", "persist", "query-string", "scroll-into-view"}
)

_VALID_NAME: Final = re.compile(r"[^\s\"'<>/=\x00-\x1f\x7f-\x9f]+")
_VERBATIM: Final = re.compile(r"[^A-Za-z0-9_]")

# Per keyword: the attribute name and kind. Keywords come from call sites, so they are few;
# the cap only matters if someone builds names from data, which must not grow the process.
_NAMES: dict[str, tuple[str, int]] = {}
_MAX_NAMES: Final = 4096
# The first keyword seen for each attribute name.
_FIRST_KEY: dict[str, str] = {}
# ' name="' for each keyword that no other known keyword maps to the same name (and whose str
# values are escaped and written as they are). Two keywords found here therefore never name
# the same attribute, so a call using only these needs no duplicate check: the tag functions
# write them inline and hand any other call to render_attributes().
PREFIXES: dict[str, str] = {}

_JSON_ENCODER: Final = DjangoJSONEncoder(separators=(",", ":"), ensure_ascii=False)


def validate_name(name: str, what: str) -> str:
    """Return *name* if it can stand as an HTML attribute or tag name, else raise ValueError."""
    if _VALID_NAME.fullmatch(name) is None:
        raise ValueError(
            f"Invalid {what} name {name!r}: it must not be empty or contain whitespace, "
            "control characters, quotes, '<', '>', '/' or '='."
        )
    return name


def _datastar(base: str) -> str | None:
    """Return the Datastar attribute (without 'data-') a keyword stands for, if any."""
    if base.startswith(("data_", "ds_")):
        rest = base.partition("_")[2]
        plugins = _DATASTAR_PLUGINS
    else:
        rest = base
        plugins = _SHORT_PLUGINS | {"attrs"}
    if rest in plugins:
        return "attr" if rest == "attrs" else rest.replace("_", "-")
    for plugin in _KEYED_PLUGINS:
        if rest.startswith(plugin + "_") and len(rest) > len(plugin) + 1:
            return plugin.replace("_", "-") + ":" + rest[len(plugin) + 1 :].replace("_", "-")
    if base.startswith("ds_"):
        return rest.replace("_", "-")
    return None


def _datastar_kind(plugin: str) -> int:
    if plugin.partition(":")[0] == "signals":
        return SIGNALS
    if plugin in ("bind", "ref", "indicator"):
        return SIGNAL_NAME
    if plugin in _FLAG_PLUGINS:
        return FLAG
    return EXPRESSION


def attribute_name(key: str) -> tuple[str, int]:
    """Map a keyword to its attribute name and value kind.

    A key with characters other than letters, digits and underscores is a verbatim name
    (``**{"@click": ...}``): validated and used as it is, with no Datastar handling.
    """
    if _VERBATIM.search(key):
        name = validate_name(key, "attribute")
    elif key in _ALIASES:
        return _ALIASES[key], PLAIN
    else:
        stripped = key[1:] if key.startswith("_") else key
        base, _, modifiers = stripped.partition("__")
        plugin = _datastar(base)
        if plugin is not None:
            name = "data-" + plugin
            if modifiers:
                name += "".join("__" + m.replace("_", ".") for m in modifiers.split("__"))
            return validate_name(name, "attribute"), _datastar_kind(plugin)
        name = validate_name(stripped.replace("_", "-"), "attribute")
    return name, ARIA if name.startswith("aria-") else PLAIN


def _lookup(key: str) -> tuple[str, int]:
    try:
        return _NAMES[key]
    except KeyError:
        pass
    spec = attribute_name(key)
    if len(_NAMES) < _MAX_NAMES:
        first = _FIRST_KEY.setdefault(spec[0], key)
        if first != key:
            PREFIXES.pop(first, None)  # both spellings now need the duplicate check
        elif spec[1] <= EXPRESSION:
            PREFIXES[key] = f' {spec[0]}="'
        _NAMES[key] = spec
    return spec


def _json(name: str, value: object) -> str:
    try:
        return _JSON_ENCODER.encode(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Cannot write attribute {name!r}: {exc}. Datastar values must be JSON data "
            "(str, int, float, bool, None, list, dict; dates, decimals and UUIDs are also "
            "accepted)."
        ) from exc


def _expression_object(name: str, value: Mapping[object, object]) -> str:
    """Write {key: expression} as a JS object literal: keys are JS strings, values are the
    author's expressions in parentheses, other values literals (rustytags_backend._js)."""
    items = []
    for key, expression in value.items():
        if not isinstance(key, str):
            raise TypeError(f"Attribute {name!r} needs string keys, got {key!r}.")
        js = expression if isinstance(expression, str) else _expression_js(expression)
        items.append(f"{js_literal(key)}:({js})")
    return "{" + ",".join(items) + "}"


# The expression DSL (rustytags_backend.html.datastar) is imported where its objects can
# turn up, not at the top: rustytags_backend.html imports this module.


def _expression_js(value: object) -> str:
    from .html._expressions import Expr

    return value.to_js() if isinstance(value, Expr) else js_literal(value)


def _signals_json(name: str, value: object) -> str:
    """Write a data-signals value: JSON data, or the data of Signals and Signal objects."""
    whole = name.partition("__")[0] == "data-signals"
    if type(value) is not dict:
        from .html._expressions import Expr
        from .html._signals import Signal, signal_data

        if isinstance(value, Expr) and not isinstance(value, Signal):
            return value.to_js()  # an expression the author built: code, as js() says
        value = signal_data(value)
        if whole and not isinstance(value, Mapping):
            raise TypeError(
                f"signals= takes a dict of signal values, got {value!r}; "
                "to write a raw expression, pass **{'data-signals': '...'}."
            )
    return client_safe(_json(name, value))


def _signal_name(name: str, value: object) -> str:
    """Write the signal that data-bind, data-ref or data-indicator name."""
    if isinstance(value, str | Promise):
        return str(value).removeprefix("$")
    from .html._expressions import Expr
    from .html._signals import signal_path

    path = signal_path(value) if isinstance(value, Expr) else None
    if path is None:
        raise TypeError(
            f"Attribute {name!r} takes a signal: its name ('count', 'user.name') or a "
            f"Signal, got {value!r}."
        )
    return path


def _value(name: str, prefix: str, kind: int, value: object) -> str:
    """Write one attribute whose value is not a plain str (the rare path)."""
    if value is None:
        return ""
    if kind == SIGNALS:
        return prefix + escape(_signals_json(name, value)) + '"'
    if kind == SIGNAL_NAME:
        return prefix + escape(_signal_name(name, value)) + '"'
    if value is True or value is False:
        if kind in (ARIA, EXPRESSION):  # JS literals, as RustyTags writes them
            return prefix + ('true"' if value else 'false"')
        return " " + name if value else ""
    if isinstance(value, Mapping):
        if kind == EXPRESSION:
            return prefix + escape(_expression_object(name, value)) + '"'
        if name == "class":  # RustyTags: cls={"active": "$on"} is Datastar's data-class
            return ' data-class="' + escape(_expression_object("data-class", value)) + '"'
        raise TypeError(
            f"Attribute {name!r} cannot take a dict ({value!r}); pass a string, or "
            "use a Datastar attribute (attrs=, cls=, signals=) for objects."
        )
    if isinstance(value, str | Promise):  # a lazy string proxies str, __iter__ included
        return prefix + escape(str(value)) + '"'
    if isinstance(value, Iterable):
        raise TypeError(
            f"Attribute {name!r} cannot take {type(value).__name__} {value!r}; "
            "pass a string (decode bytes, join lists)."
        )
    return prefix + escape(str(value)) + '"'


def attribute(key: str, value: object) -> str:
    """Return one attribute as ' name="value"' (or ' name', or '')."""
    name, kind = _lookup(key)
    if value.__class__ is str and kind <= EXPRESSION:
        return f' {name}="' + escape(value) + '"'
    return _value(name, f' {name}="', kind, value)


def render_attributes(attrs: Mapping[str, object]) -> str:
    """Return the attributes as ' name="value"' pairs, in the order given.

    Raise ValueError if two keywords name the same attribute (cls= and _class=).
    """
    seen: dict[str, str] = {}
    for key in attrs:
        name = _lookup(key)[0]
        if name in seen:
            raise ValueError(
                f"Duplicate attribute {name!r}: {seen[name]!r} and {key!r} both map to it; "
                "pass only one of them."
            )
        seen[name] = key
    return "".join([attribute(key, value) for key, value in attrs.items()])
