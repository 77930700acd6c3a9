"""Helpers of ``rustytags_backend.html.datastar`` that build expressions from parts."""

from __future__ import annotations

import builtins
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from rustytags_backend._js import js_template_text, js_value

from ._expressions import (
    Conditional,
    Expr,
    PropertyAccess,
    _JSLiteral,
    _JSRaw,
    ensure_expr,
    mapping_items,
    to_js,
)
from ._signals import Signal

__all__ = [
    "JSON",
    "Array",
    "Boolean",
    "Date",
    "Math",
    "Number",
    "Object",
    "String",
    "all_",
    "any_",
    "classes",
    "clear_timeout",
    "clipboard",
    "collect",
    "console",
    "expr",
    "f",
    "if_",
    "js",
    "match",
    "object_literal",
    "regex",
    "reset_timeout",
    "seq",
    "set_timeout",
    "switch",
    "to_js_value",
    "value",
]

_PLACEHOLDER: Final = re.compile(r"\{(\w+)\}")
# Object keys written without quotes; anything else is a quoted string.
_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def js(code: str) -> _JSRaw:
    """Mark *code* as JavaScript, written as it is: never build it from user data.

    Calling the result calls it as a function, with literal arguments:
    ``js("confirm")("Sure?")`` is ``confirm('Sure?')``.
    """
    if not isinstance(code, str):
        raise TypeError(f"js() takes JavaScript source as a str, got {code!r}.")
    return _JSRaw(code)


def to_js_value(value: Any) -> str:
    """Return *value* as JavaScript source: an expression as it is, any other value as a literal.

    Strings are always string literals (``'$name'`` is the text, not the signal): pass a
    Signal, or ``js("$name")``, for code.
    """
    return to_js(value)


def value(v: Any) -> Expr:
    """Return the literal for the Python value *v*, so methods can be chained on it."""
    if isinstance(v, Expr):
        raise TypeError(
            f"value() should not be used with {type(v).__name__} objects. Use the object "
            "directly instead of wrapping it with value()."
        )
    return _JSLiteral(v)


def expr(v: Any) -> Expr:
    """Return the literal for the Python value *v* (the same as ``value()``)."""
    if isinstance(v, Expr):
        raise TypeError(
            f"expr() expects a Python value, not {type(v).__name__}. Use the Expr object "
            "directly without wrapping."
        )
    return _JSLiteral(v)


def f(template_str: str, **kwargs: Any) -> Expr:
    """A template literal, like an f-string: ``f("Hi {name}!", name=user.name)``.

    The text is text (escaped for the template literal); each ``{key}`` with a keyword
    argument is its value: an expression as ``${...}``, a str as text, any other Python value
    as a literal in ``${...}``; other braces stay text.
    """
    parts: list[str] = []
    position = 0
    for match in _PLACEHOLDER.finditer(template_str):
        key = match.group(1)
        if key not in kwargs:
            continue
        parts.append(js_template_text(template_str[position : match.start()]))
        val = kwargs[key]
        parts.append(js_template_text(val) if isinstance(val, str) else "${" + to_js(val) + "}")
        position = match.end()
    parts.append(js_template_text(template_str[position:]))
    return _JSRaw("`" + "".join(parts) + "`", grouped=True)


def regex(pattern: str) -> Expr:
    """A regular expression: ``new RegExp('^todo_')``, the pattern as a string literal."""
    return _JSRaw(f"new RegExp({js_value(pattern)})", grouped=True)


def match(subject: Any, /, **patterns: Any) -> Expr:
    """Pick a value by the subject's value, like match/case; ``default=`` is the fallback.

    ``match(status, idle="Ready", loading="Wait", default="?")``.
    """
    subject_expr = ensure_expr(subject)
    result = ensure_expr(patterns.pop("default", ""))
    for pattern, val in reversed(patterns.items()):
        result = Conditional(subject_expr == pattern, val, result)
    return result


def switch(cases: list[tuple[Any, Any]], /, default: Any = "") -> Expr:
    """The value of the first true condition: ``switch([(a > 9, "big")], default="small")``."""
    result = ensure_expr(default)
    for condition, val in reversed(cases):
        result = Conditional(condition, val, result)
    return result


def collect(cases: list[tuple[Any, Any]], /, join_with: str = " ") -> Expr:
    """The values whose conditions are true, joined: a class string from flags."""
    if not cases:
        return _JSRaw("''", grouped=True)
    parts = [Conditional(condition, val, "").to_js() for condition, val in cases]
    return _JSRaw(f"[{', '.join(parts)}].filter(Boolean).join({js_value(join_with)})", grouped=True)


def object_literal(pairs: Iterable[tuple[str, Any]]) -> str:
    """Write ``{key: value, 'other-key': value}``: names as they are, other keys quoted."""
    items = []
    for key, val in pairs:
        if not isinstance(key, str):
            raise TypeError(f"JavaScript object keys must be strings, got {key!r}.")
        name = key if _IDENTIFIER.fullmatch(key) else js_value(key)
        code = object_literal(mapping_items(val)) if isinstance(val, Mapping) else to_js(val)
        items.append(f"{name}: {code}")
    return "{" + ", ".join(items) + "}"


def classes(**class_conditions: Any) -> Expr:
    """An object of class names and conditions, for ``data_class=``.

    ``classes(active=is_active, **{"font-bold": bold})`` is
    ``{active: $is_active, 'font-bold': $bold}``.
    """
    return _JSRaw(object_literal(class_conditions.items()), grouped=True)


def seq(*exprs: Any) -> Expr:
    """Evaluate each expression in turn (the comma operator): ``(a, b, c)``."""
    if not exprs:
        return _JSRaw("undefined")
    return _JSRaw(f"({', '.join(to_js(e) for e in exprs)})", grouped=True)


def if_(condition: Any, true_val: Any, false_val: Any = "") -> Expr:
    """``(condition ? true_val : false_val)``."""
    return Conditional(condition, true_val, false_val)


def _iterable_args(args: tuple[Any, ...]) -> tuple[Any, ...]:
    # all_(a, b) and all_([a, b]) alike, as the builtins take one iterable.
    if (
        builtins.len(args) == 1
        and isinstance(args[0], Iterable)
        and not isinstance(args[0], str | Expr)
    ):
        return tuple(args[0])
    return args


def _every(args: tuple[Any, ...], op: str, empty: str) -> Expr:
    items = [f"!!{ensure_expr(s)._operand()}" for s in _iterable_args(args)]
    if not items:
        return _JSRaw(empty)
    if builtins.len(items) == 1:
        return _JSRaw(items[0])
    return _JSRaw("(" + f" {op} ".join(items) + ")", grouped=True)


def all_(*signals: Any) -> Expr:
    """Whether every value is truthy: ``(!!$a && !!$b)``; takes values or one iterable."""
    return _every(signals, "&&", "true")


def any_(*signals: Any) -> Expr:
    """Whether any value is truthy: ``(!!$a || !!$b)``; takes values or one iterable."""
    return _every(signals, "||", "false")


def clipboard(
    text: Any = None, element: str | None = None, signal: str | Signal | None = None
) -> Expr:
    """``@clipboard(...)`` with *text*, or with the text content of *element*.

    *element* is ``"el"`` (this element), a selector starting with ``#`` or ``.``, or an id.
    *signal* names a signal to pass as the second argument.
    """
    if (text is None) == (element is None):
        raise ValueError("Must provide exactly one of: text or element")
    if isinstance(signal, Signal):
        signal = signal.id
    suffix = f", {js_value(signal)}" if signal else ""
    if text is not None:
        return _JSRaw(f"@clipboard({to_js(text)}{suffix})", grouped=True)
    if element == "el":
        source = "el"
    elif element is not None and element.startswith(("#", ".")):
        source = f"document.querySelector({js_value(element)})"
    else:
        source = f"document.getElementById({js_value(element)})"
    return _JSRaw(f"@clipboard({source}.textContent{suffix})", grouped=True)


def _timer(timer: Signal | str, window: bool) -> str:
    name = timer.id if isinstance(timer, Signal) else Signal(timer).id
    return f"window._{name}" if window else f"${name}"


def _actions(actions: Iterable[Any]) -> str:
    return "; ".join(to_js(a) for a in actions)


def set_timeout(
    action: Any, ms: Any, *, store: Signal | str | None = None, window: bool = False
) -> Expr:
    """``setTimeout(() => { action }, ms)``; *action* may be a list; *store* keeps the id."""
    code = _actions(action) if isinstance(action, list) else to_js(action)
    timeout = f"setTimeout(() => {{ {code} }}, {to_js(ms)})"
    if store:
        return _JSRaw(f"{_timer(store, window)} = {timeout}")
    return _JSRaw(timeout, grouped=True)


def clear_timeout(timer: Signal | str, *actions: Any, window: bool = False) -> Expr:
    """``clearTimeout(timer)``, then the *actions*."""
    clear = f"clearTimeout({_timer(timer, window)})"
    return _JSRaw(f"{clear}; {_actions(actions)}" if actions else clear)


def reset_timeout(timer: Signal | str, ms: Any, *actions: Any, window: bool = False) -> Expr:
    """Clear *timer* and start it again (a debounce): the *actions* run after *ms*."""
    ref = _timer(timer, window)
    return _JSRaw(
        f"clearTimeout({ref}); {ref} = setTimeout(() => {{ {_actions(actions)} }}, {to_js(ms)})"
    )


class _Global(_JSRaw):
    """A JavaScript global object: every attribute is its property, so ``Math.max(a, b)`` is
    ``Math.max($a, $b)``, not the expression helper ``max()``."""

    __slots__ = ()

    def __getattribute__(self, key: str) -> Any:
        if key.startswith("_") or key in _RAW_OWN:
            return object.__getattribute__(self, key)
        return PropertyAccess(self, key)


_RAW_OWN: Final = frozenset({"code", "grouped", "to_js"})

# JavaScript's global objects, for calls such as Math.max(a, b) and JSON.stringify(x); typed
# Any since their properties are JavaScript's, not the methods of Expr.
console: Final[Any] = _Global("console")
Math: Final[Any] = _Global("Math")
JSON: Final[Any] = _Global("JSON")
Object: Final[Any] = _Global("Object")
Array: Final[Any] = _Global("Array")
Date: Final[Any] = _Global("Date")
Number: Final[Any] = _Global("Number")
String: Final[Any] = _Global("String")
Boolean: Final[Any] = _Global("Boolean")
