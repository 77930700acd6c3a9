"""The @component marker: which functions the RustyTags engine may render."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, ParamSpec, overload

from django.utils.safestring import SafeString

from ._elements import Fragment
from ._html_string import HtmlString

__all__ = ["ComponentSpec", "as_markup", "component", "spec_of"]

P = ParamSpec("P")

_MARKER: Final = "__rustytags_component__"


@dataclass(frozen=True)
class ComponentSpec:
    """What the engine knows about a component function, computed once at decoration."""

    function: Callable[..., Any]  # as written; the engine calls it through as_markup()
    names: tuple[str, ...]  # extra names given with @component("...")
    parameters: tuple[str, ...]
    required: tuple[str, ...]
    takes_context: bool  # has **kwargs: receives the whole context
    # What @component returned for the function: the object the module holds.
    marked: Callable[..., SafeString] = field(compare=False, repr=False)

    @property
    def path(self) -> str:
        """The component's dotted path, ``module:function``."""
        return f"{self.function.__module__}:{self.function.__qualname__}"

    def arguments(self, context: Mapping[str, Any], name: str) -> dict[str, Any]:
        """Pick the keyword arguments for a call from *context*."""
        if self.takes_context:
            arguments = dict(context)
        else:
            arguments = {key: context[key] for key in self.parameters if key in context}
        for parameter in self.required:
            if parameter not in arguments:
                raise TypeError(
                    f"Component {name!r} ({self.path}) needs {parameter!r}, which the context "
                    f"does not provide. Pass {parameter!r} in the context, or give the "
                    "parameter a default."
                )
        return arguments


def as_markup(result: object) -> SafeString:
    """Return what a component returned as markup, rendered as the child of an element is.

    An ``HtmlString`` or ``SafeString`` is returned as it is, other markup (an object whose type
    has ``__html__``) as an ``HtmlString`` of its ``__html__()``; a ``str`` is escaped, a list
    flattened, and ``None`` gives ``""``. Output of rusty-tags, which escapes nothing, raises
    ``TypeError`` saying how to port the code that built it.
    """
    if type(result) is HtmlString or type(result) is SafeString:
        return result
    return Fragment(result)


def _spec(
    function: Callable[..., Any], names: tuple[str, ...], marked: Callable[..., SafeString]
) -> ComponentSpec:
    parameters = []
    required = []
    takes_context = False
    for parameter in inspect.signature(function).parameters.values():
        if parameter.kind is parameter.VAR_KEYWORD:
            takes_context = True
        elif parameter.kind in (parameter.POSITIONAL_ONLY, parameter.VAR_POSITIONAL):
            raise TypeError(
                f"Component {function.__qualname__!r} has parameter {parameter.name!r} that "
                "cannot be passed by keyword; components receive the context as keyword "
                "arguments."
            )
        else:
            parameters.append(parameter.name)
            if parameter.default is parameter.empty:
                required.append(parameter.name)
    return ComponentSpec(function, names, tuple(parameters), tuple(required), takes_context, marked)


def _mark(function: Callable[P, object], names: tuple[str, ...]) -> Callable[P, SafeString]:
    # A wrapper, so that a component called directly gives what the engine renders: markup,
    # never rusty-tags output or a plain str that a view could send unescaped.
    @functools.wraps(function)
    def marked(*args: P.args, **kwargs: P.kwargs) -> SafeString:
        result = function(*args, **kwargs)
        if type(result) is HtmlString:  # a tag's result, the common case: no further call
            return result
        return as_markup(result)

    setattr(marked, _MARKER, _spec(function, names, marked))
    return marked


@overload
def component(function: Callable[P, object], /) -> Callable[P, SafeString]: ...
@overload
def component(*names: str) -> Callable[[Callable[P, object]], Callable[P, SafeString]]: ...
def component(*args: Any) -> Any:
    """Mark a function as a component the RustyTags template engine may render.

    Use it bare, ``@component``, to serve the function under its module path
    (``def todo_list`` in ``todos/components/todos.py`` is ``"todos/todo_list.html"``), or
    with names, ``@component("todos/list.html")``, to register extra names as well. Called
    directly, a component returns what the engine renders: its result as markup (a plain
    ``str`` escaped, a list flattened, ``None`` as ``""``); output of rusty-tags raises
    ``TypeError``.
    """
    if len(args) == 1 and callable(args[0]):
        return _mark(args[0], ())
    for name in args:
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"@component takes template names (non-empty strings), got {name!r}; "
                "write @component or @component('app/name.html')."
            )

    def decorate(function: Callable[P, object]) -> Callable[P, SafeString]:
        return _mark(function, tuple(args))

    return decorate


def spec_of(obj: object) -> ComponentSpec | None:
    """Return the ComponentSpec of a function marked @component, else None."""
    spec = getattr(obj, _MARKER, None)
    # The marker must belong to this very object: a wrapper made with functools.wraps copies
    # __dict__, and would otherwise pass for the component it wraps.
    return spec if isinstance(spec, ComponentSpec) and spec.marked is obj else None
