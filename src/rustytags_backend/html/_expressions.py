"""The expression tree behind ``rustytags_backend.html.datastar``: JavaScript built from Python.

Each node knows its JavaScript source (``to_js()``, also ``str()``). Python values that meet an
expression (operands, arguments, indexes) become literals through ``rustytags_backend._js``, so
they can never turn into code. Only ``js()`` (and the expression strings an author writes in an
attribute) are code as given.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final

from rustytags_backend._js import js_template_text, js_value

__all__ = [
    "Assignment",
    "BinaryOp",
    "Conditional",
    "Expr",
    "IndexAccess",
    "MethodCall",
    "PropertyAccess",
    "TemplateLiteral",
    "UnaryOp",
    "ensure_expr",
    "mapping_items",
    "to_js",
]

# Raw code that needs no parentheses around it wherever it goes: a name or a dotted path.
_ATOMIC: Final = re.compile(r"[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*", re.ASCII)


def to_js(value: object) -> str:
    """Return *value* as JavaScript: an expression as its source, anything else as a literal.

    Dicts, lists and tuples may hold expressions (``{'name':$name}``); every other value is
    written as a JSON-encoded literal, strings in single quotes.
    """
    if isinstance(value, Expr):
        return value.to_js()
    if isinstance(value, Mapping):
        pairs = mapping_items(value)
        return "{" + ",".join([f"{_key(key)}:{to_js(item)}" for key, item in pairs]) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join([to_js(item) for item in value]) + "]"
    return js_value(value)


def mapping_items(mapping: Mapping[Any, Any]) -> Iterable[tuple[Any, Any]]:
    """The items of *mapping*; a Signals' own, even if a signal is named ``items``."""
    return dict.items(mapping) if isinstance(mapping, dict) else mapping.items()


def _key(key: object) -> str:
    if not isinstance(key, str):
        raise TypeError(f"JavaScript object keys must be strings, got {key!r}.")
    return js_value(key)


def ensure_expr(value: object) -> Expr:
    """Return *value* if it is an expression, else the literal for it."""
    return value if isinstance(value, Expr) else _JSLiteral(value)


def _binary(op: str, *, reflected: bool = False) -> Callable[[Expr, object], BinaryOp]:
    """An operator method: ``(self op other)``, or ``(other op self)`` if *reflected*."""

    def method(self: Expr, other: object) -> BinaryOp:
        return BinaryOp(other, op, self) if reflected else BinaryOp(self, op, other)

    method.__doc__ = f"``(other {op} self)``." if reflected else f"``(self {op} other)``."
    return method


class Expr(ABC):
    """A JavaScript expression built from Python; ``str()`` gives its source.

    Operators build JavaScript: ``+ - * / %``, comparisons (``==`` is ``===``), ``&`` (``&&``),
    ``|`` (``||``) and ``~`` (``!``). ``expr.name`` and ``expr[index]`` are property and index
    access, and calling a property calls the method: ``items.push('x')``. Names that start with
    ``_`` are never property access (they raise AttributeError), so an expression has no
    ``__html__`` and is never mistaken for markup: as a child of an element it renders as its
    source text, escaped. Use it as an attribute value (``text=``, ``on_click=``, ...).
    """

    __slots__ = ()
    # __getitem__ would otherwise make iter() count up indexes for ever.
    __iter__ = None

    @abstractmethod
    def to_js(self) -> str:
        """Return the JavaScript source of the expression."""

    def _operand(self) -> str:
        """The source, made safe as an operand of a binary operator."""
        return self.to_js()

    def _member(self) -> str:
        """The source, made safe before ``.name``, ``[index]`` or ``(arguments)``."""
        return self.to_js()

    def __str__(self) -> str:
        return self.to_js()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.to_js()}>"

    def __contains__(self, item: str) -> bool:
        return item in self.to_js()

    def __getattr__(self, key: str) -> PropertyAccess:
        if key.startswith("_"):
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {key!r}; names starting "
                f"with '_' are not JavaScript properties here: write expr[{key!r}] for one."
            )
        return PropertyAccess(self, key)

    def __getitem__(self, index: object) -> IndexAccess:
        return IndexAccess(self, index)

    @property
    def length(self) -> PropertyAccess:
        """``.length`` of a string or an array."""
        return PropertyAccess(self, "length")

    # Operators build JavaScript; == and != too, as in SQLAlchemy.
    __eq__ = _binary("===")  # type: ignore[assignment]
    __ne__ = _binary("!==")  # type: ignore[assignment]
    __lt__ = _binary("<")
    __le__ = _binary("<=")
    __gt__ = _binary(">")
    __ge__ = _binary(">=")
    __and__ = _binary("&&")
    __or__ = _binary("||")
    __sub__ = _binary("-")
    __rsub__ = _binary("-", reflected=True)
    __mul__ = _binary("*")
    __rmul__ = _binary("*", reflected=True)
    __truediv__ = _binary("/")
    __rtruediv__ = _binary("/", reflected=True)
    __mod__ = _binary("%")
    __rmod__ = _binary("%", reflected=True)
    eq = _binary("===")
    neq = _binary("!==")
    and_ = _binary("&&")
    or_ = _binary("||")

    def __invert__(self) -> UnaryOp:
        return UnaryOp("!", self)

    # Adding a str builds a template literal: "Total: " + total.
    def __add__(self, other: object) -> BinaryOp | TemplateLiteral:
        if isinstance(other, str):
            return TemplateLiteral([self, other])
        return BinaryOp(self, "+", other)

    def __radd__(self, other: object) -> BinaryOp | TemplateLiteral:
        if isinstance(other, str):
            return TemplateLiteral([other, self])
        return BinaryOp(other, "+", self)

    # Assignment.
    def set(self, value: object) -> Assignment:
        """``self = value``."""
        return Assignment(self, value)

    def add(self, amount: object) -> Expr:
        """``self++`` for 1, else ``self = (self + amount)``."""
        if type(amount) is int and amount == 1:
            return _JSRaw(self._member() + "++")
        return Assignment(self, self + amount)

    def sub(self, amount: object) -> Expr:
        """``self--`` for 1, else ``self = (self - amount)``."""
        if type(amount) is int and amount == 1:
            return _JSRaw(self._member() + "--")
        return Assignment(self, self - amount)

    def mul(self, factor: object) -> Assignment:
        """``self = (self * factor)``."""
        return Assignment(self, self * factor)

    def div(self, divisor: object) -> Assignment:
        """``self = (self / divisor)``."""
        return Assignment(self, self / divisor)

    def mod(self, divisor: object) -> Assignment:
        """``self = (self % divisor)``."""
        return Assignment(self, self % divisor)

    def toggle(self, *values: object) -> Assignment:
        """``self = !(self)``; with values, step through them in turn."""
        if not values:
            return self.set(~self)
        result = ensure_expr(values[0])
        for i in range(len(values) - 1, 0, -1):
            result = (self == values[i - 1]).if_(values[i], result)
        return self.set(result)

    # Control flow.
    def if_(self, true_val: object, false_val: object = "") -> Conditional:
        """``(self ? true_val : false_val)``."""
        return Conditional(self, true_val, false_val)

    def then(self, action: object) -> Expr:
        """``if (self) { action }``; a str *action* is JavaScript, as in an attribute."""
        code = action if isinstance(action, str) else to_js(action)
        return _JSRaw(f"if ({self.to_js()}) {{ {code} }}")

    # Strings.
    def lower(self) -> MethodCall:
        """``self.toLowerCase()``."""
        return MethodCall(self, "toLowerCase", [])

    def upper(self) -> MethodCall:
        """``self.toUpperCase()``."""
        return MethodCall(self, "toUpperCase", [])

    def strip(self) -> MethodCall:
        """``self.trim()``."""
        return MethodCall(self, "trim", [])

    def contains(self, text: object) -> MethodCall:
        """``self.includes(text)``."""
        return MethodCall(self, "includes", [text])

    # Numbers.
    def round(self, digits: int = 0) -> Expr:
        """``Math.round(self)``, or rounded to *digits* decimals."""
        if digits == 0:
            return MethodCall(_MATH, "round", [self])
        scale = int(10**digits)
        return MethodCall(_MATH, "round", [self * scale]) / scale

    def abs(self) -> MethodCall:
        """``Math.abs(self)``."""
        return MethodCall(_MATH, "abs", [self])

    def min(self, limit: object) -> MethodCall:
        """``Math.min(self, limit)``."""
        return MethodCall(_MATH, "min", [self, limit])

    def max(self, limit: object) -> MethodCall:
        """``Math.max(self, limit)``."""
        return MethodCall(_MATH, "max", [self, limit])

    def clamp(self, min_val: object, max_val: object) -> MethodCall:
        """``Math.min(Math.max(self, min_val), max_val)``."""
        return self.max(min_val).min(max_val)

    # Arrays.
    def append(self, *items: object) -> MethodCall:
        """``self.push(items...)``."""
        return MethodCall(self, "push", items)

    def prepend(self, *items: object) -> MethodCall:
        """``self.unshift(items...)``."""
        return MethodCall(self, "unshift", items)

    def pop(self) -> MethodCall:
        """``self.pop()``."""
        return MethodCall(self, "pop", [])

    def remove(self, index: object) -> MethodCall:
        """``self.splice(index, 1)``."""
        return MethodCall(self, "splice", [index, 1])

    def join(self, separator: str = ",") -> MethodCall:
        """``self.join(separator)``."""
        return MethodCall(self, "join", [separator])

    def slice(self, start: object = None, end: object = None) -> MethodCall:
        """``self.slice(start, end)``, leaving out the arguments that are None."""
        return MethodCall(self, "slice", [a for a in (start, end) if a is not None])


class _JSLiteral(Expr):
    """A Python value as a JavaScript literal, encoded when it is built."""

    __slots__ = ("code", "value")

    def __init__(self, value: object) -> None:
        self.value = value
        self.code = to_js(value)

    def to_js(self) -> str:
        return self.code

    def _member(self) -> str:
        # 5.toFixed() does not parse; (5).toFixed() does.
        return self.code if self.code[0] in "'[{" else f"({self.code})"


class _JSRaw(Expr):
    """JavaScript source, used as it is: what ``js()`` returns."""

    __slots__ = ("code", "grouped")

    def __init__(self, code: str, *, grouped: bool = False) -> None:
        self.code = code
        # Built here as one primary expression (a call, a bracketed group): no parentheses.
        self.grouped = grouped or _ATOMIC.fullmatch(code) is not None

    def to_js(self) -> str:
        return self.code

    def _operand(self) -> str:
        return self.code if self.grouped else f"({self.code})"

    _member = _operand

    def __add__(self, other: object) -> TemplateLiteral:
        return TemplateLiteral([self, other])

    def __radd__(self, other: object) -> TemplateLiteral:
        return TemplateLiteral([other, self])

    def __call__(self, *args: object) -> _JSRaw:
        """Call the code as a function: ``js("alert")("hi")`` is ``alert('hi')``."""
        return _JSRaw(f"{self._member()}({', '.join(to_js(a) for a in args)})", grouped=True)


class TemplateLiteral(Expr):
    """A template literal: str parts are text, other parts are interpolated."""

    __slots__ = ("parts",)

    def __init__(self, parts: list[object]) -> None:
        self.parts = parts

    def to_js(self) -> str:
        out = [
            js_template_text(part) if isinstance(part, str) else "${" + to_js(part) + "}"
            for part in self.parts
        ]
        return "`" + "".join(out) + "`"

    def __add__(self, other: object) -> TemplateLiteral:
        return TemplateLiteral([*self.parts, other])

    def __radd__(self, other: object) -> TemplateLiteral:
        return TemplateLiteral([other, *self.parts])


class BinaryOp(Expr):
    """``(left op right)``."""

    __slots__ = ("left", "op", "right")

    def __init__(self, left: object, op: str, right: object) -> None:
        self.left = ensure_expr(left)
        self.op = op
        self.right = ensure_expr(right)

    def to_js(self) -> str:
        return f"({self.left._operand()} {self.op} {self.right._operand()})"


class UnaryOp(Expr):
    """``op(expr)``, such as ``!($open)``."""

    __slots__ = ("expr", "op")

    def __init__(self, op: str, expr: Expr) -> None:
        self.op = op
        self.expr = expr

    def to_js(self) -> str:
        return f"{self.op}({self.expr.to_js()})"

    def _member(self) -> str:
        return f"({self.to_js()})"


class Conditional(Expr):
    """``(condition ? true_val : false_val)``."""

    __slots__ = ("condition", "false_val", "true_val")

    def __init__(self, condition: object, true_val: object, false_val: object) -> None:
        self.condition = ensure_expr(condition)
        self.true_val = ensure_expr(true_val)
        self.false_val = ensure_expr(false_val)

    def to_js(self) -> str:
        return f"({self.condition._operand()} ? {self.true_val.to_js()} : {self.false_val.to_js()})"


class Assignment(Expr):
    """``target = value``."""

    __slots__ = ("target", "value")

    def __init__(self, target: Expr, value: object) -> None:
        self.target = target
        self.value = ensure_expr(value)

    def to_js(self) -> str:
        return f"{self.target.to_js()} = {self.value.to_js()}"

    def _operand(self) -> str:
        return f"({self.to_js()})"

    _member = _operand


class MethodCall(Expr):
    """``obj.method(args)``."""

    __slots__ = ("args", "method", "obj")

    def __init__(self, obj: Expr, method: str, args: Any) -> None:
        self.obj = obj
        self.method = method
        self.args = [ensure_expr(a) for a in args]

    def to_js(self) -> str:
        return f"{self.obj._member()}.{self.method}({', '.join(a.to_js() for a in self.args)})"


class PropertyAccess(Expr):
    """``obj.prop``; calling it calls the method: ``obj.prop(args)``."""

    __slots__ = ("obj", "prop")

    def __init__(self, obj: Expr, prop: str) -> None:
        if not prop.isidentifier():
            raise AttributeError(
                f"{prop!r} is not a JavaScript property name; write expr[{prop!r}] for it."
            )
        self.obj = obj
        self.prop = prop

    def to_js(self) -> str:
        return f"{self.obj._member()}.{self.prop}"

    def __call__(self, *args: object) -> MethodCall:
        return MethodCall(self.obj, self.prop, args)


class IndexAccess(Expr):
    """``obj[index]``; the index is a literal unless it is an expression."""

    __slots__ = ("index", "obj")

    def __init__(self, obj: Expr, index: object) -> None:
        self.obj = obj
        self.index = ensure_expr(index)

    def to_js(self) -> str:
        return f"{self.obj._member()}[{self.index.to_js()}]"


_MATH: Final = _JSRaw("Math")
