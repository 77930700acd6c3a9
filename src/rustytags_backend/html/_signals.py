"""Signals: named reactive state, as expressions (``$count``) and as ``data-signals`` data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, Final

from rustytags_backend._js import js_value

from ._expressions import BinaryOp, Expr, PropertyAccess, ensure_expr

__all__ = ["Signal", "Signals", "signal_data", "signal_path"]

# What Datastar's client reads as one signal reference after "$": word characters, in parts
# joined by "." (nesting) or "-" (kebab-case names).
_PATH: Final = re.compile(r"\w+(?:[.-]\w+)*", re.ASCII)


def _checked(name: object, what: str) -> str:
    if not isinstance(name, str) or _PATH.fullmatch(name) is None:
        raise ValueError(
            f"Invalid signal {what} {name!r}: use letters, digits and underscores, in parts "
            "joined by '.' or '-' (count, user.name, user-name)."
        )
    return name


class Signal(Expr):
    """A signal: ``str(Signal("count", 0))`` is ``$count``.

    Use it in expressions (``count + 1``, ``count.set(0)``, ``count.add(1)``), as the value of
    ``bind=``, ``ref=`` or ``indicator=`` (which get its name), and in ``signals=`` (alone or
    in a list), which writes its initial value. *namespace* nests it: ``$form.count``. An
    expression as *initial* makes a computed signal (``get_computed_attr()``).
    ``signal.id`` is the signal's path, and ``type_`` the type of its initial value.
    """

    __slots__ = (
        "_initial",
        "_is_computed",
        "_js",
        "_name",
        "_namespace",
        "_ref_only",
        "id",
        "type_",
    )

    def __init__(
        self,
        name: str,
        initial: Any = None,
        type_: type | None = None,
        namespace: str | None = None,
        _ref_only: bool = False,
    ) -> None:
        self._name = _checked(name, "name")
        self._initial = initial
        self._namespace = _checked(namespace, "namespace") if namespace else None
        self._ref_only = _ref_only
        self._is_computed = isinstance(initial, Expr)
        self.type_ = type_ or _infer_type(initial)
        self.id = f"{namespace}.{name}" if namespace else name
        self._js = "$" + self.id

    def to_js(self) -> str:
        return self._js

    def __repr__(self) -> str:
        namespace = f", namespace={self._namespace!r}" if self._namespace else ""
        return f"Signal({self._name!r}, {self._initial!r}{namespace})"

    def __hash__(self) -> int:
        return hash((self._name, self._namespace))

    def __eq__(self, other: object) -> BinaryOp:  # type: ignore[override]
        return BinaryOp(self, "===", ensure_expr(other))

    def is_same_as(self, other: object) -> bool:
        """Return whether *other* is a Signal with the same name and namespace."""
        return (
            isinstance(other, Signal)
            and self._name == other._name
            and self._namespace == other._namespace
        )

    def to_dict(self) -> dict[str, Any]:
        """``{id: initial}``, or ``{}`` for a computed signal."""
        return {} if self._is_computed else {self.id: self._initial}

    def get_computed_attr(self) -> tuple[str, Any] | None:
        """``("data_computed_<name>", expression)`` for a computed signal, else None."""
        if self._is_computed:
            return (f"data_computed_{self._name}", self._initial)
        return None


def _infer_type(initial: object) -> type:
    if initial is None:
        return str
    if isinstance(initial, list | tuple):
        return list
    return type(initial)


# Names that stay Signals' own even when a signal has the same name.
_OWN: Final = frozenset({"to_dict"})


class Signals(dict[str, Any]):
    """A dict of signal values whose attributes are the Signals: ``Signals(count=0)``.

    ``signals.count`` is ``Signal("count", 0)`` (a signal's name wins over a dict method of
    the same name, as in RustyTags, so ``Signals(items=[]).items`` is the signal);
    ``signals["count"]`` is the value ``0``. ``signals=Signals(...)`` writes ``data-signals``,
    nested under *namespace* if one is given; ``str()`` is that object as JavaScript.
    """

    def __init__(self, *, namespace: str | None = None, **values: Any) -> None:
        super().__init__(values)
        for name in values:
            _checked(name, "name")
        object.__setattr__(
            self, "_namespace", _checked(namespace, "namespace") if namespace else None
        )

    def __getattribute__(self, key: str) -> Any:
        if not key.startswith("_") and key not in _OWN and dict.__contains__(self, key):
            namespace = object.__getattribute__(self, "_namespace")
            return Signal(key, dict.__getitem__(self, key), namespace=namespace)
        return object.__getattribute__(self, key)

    def __getattr__(self, key: str) -> Any:
        raise AttributeError(
            f"Signals has no signal {key!r}; its signals are: "
            f"{', '.join(dict.keys(self)) or '(none)'}."
        )

    def __setattr__(self, key: str, value: Any) -> None:
        if key.startswith("_"):
            object.__setattr__(self, key, value)
        else:
            self[_checked(key, "name")] = value

    def to_dict(self) -> dict[str, Any]:
        """The signal values as a plain dict, without the namespace."""
        return dict(dict.items(self))

    def __str__(self) -> str:
        return js_value(signal_data(self))

    def __repr__(self) -> str:
        namespace = f", namespace={self._namespace!r}" if self._namespace else ""
        return f"Signals(**{dict.__repr__(self)}{namespace})"


def _item(signal: Signal) -> tuple[str, Any]:
    if signal._is_computed:
        raise TypeError(
            f"{signal!r} is computed: data-signals holds values, so write its expression "
            f"with computed_{signal._name}=... instead."
        )
    return signal.id, signal._initial


def _nest(items: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Build ``{"form": {"count": 0}}`` from ``("form.count", 0)``."""
    data: dict[str, Any] = {}
    for path, value in items:
        if isinstance(value, Expr):
            raise TypeError(
                f"Signal {path!r} has the expression {value} as its value: data-signals holds "
                f"values, so write it as a computed signal (computed_{path.rpartition('.')[2]}=)."
            )
        *parents, leaf = path.split(".")
        node = data
        for parent in parents:
            child = node.setdefault(parent, {})
            if not isinstance(child, dict):
                raise ValueError(f"Signal {path!r} nests under {parent!r}, which has a value.")
            node = child
        node[leaf] = value
    return data


def signal_data(value: object) -> object:
    """Return what ``signals=`` writes for *value*.

    A Signals, a Signal, or a list or tuple of Signals becomes a dict (nested by namespace);
    any other value is returned as it is.
    """
    if isinstance(value, Signals):
        namespace = value._namespace
        prefix = namespace + "." if namespace else ""
        return _nest((prefix + key, item) for key, item in dict.items(value))
    if isinstance(value, Signal):
        return _nest([_item(value)])
    if isinstance(value, list | tuple) and value and all(isinstance(v, Signal) for v in value):
        return _nest(_item(signal) for signal in value if not signal._ref_only)
    return value


def signal_path(value: Expr) -> str | None:
    """Return the signal path *value* reads (``count``, ``user.name``), or None."""
    if isinstance(value, Signal):
        return value.id
    if isinstance(value, PropertyAccess):
        parent = signal_path(value.obj)
        return None if parent is None else f"{parent}.{value.prop}"
    return None
