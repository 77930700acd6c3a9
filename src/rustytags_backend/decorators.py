"""The @component marker: which functions the RustyTags engine may render."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar, overload

__all__ = ["ComponentSpec", "component", "spec_of"]

F = TypeVar("F", bound=Callable[..., Any])

_MARKER: Final = "__rustytags_component__"


@dataclass(frozen=True)
class ComponentSpec:
    """What the engine knows about a component function, computed once at decoration."""

    function: Callable[..., Any]
    names: tuple[str, ...]  # extra names given with @component("...")
    parameters: tuple[str, ...]
    required: tuple[str, ...]
    takes_context: bool  # has **kwargs: receives the whole context

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


def _spec(function: Callable[..., Any], names: tuple[str, ...]) -> ComponentSpec:
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
    return ComponentSpec(function, names, tuple(parameters), tuple(required), takes_context)


@overload
def component(function: F, /) -> F: ...
@overload
def component(*names: str) -> Callable[[F], F]: ...
def component(*args: Any) -> Any:
    """Mark a function as a component the RustyTags template engine may render.

    Use it bare, ``@component``, to serve the function under its module path
    (``def todo_list`` in ``todos/components/todos.py`` is ``"todos/todo_list.html"``), or
    with names, ``@component("todos/list.html")``, to register extra names as well. The
    function is returned unchanged, so it can still be called directly.
    """
    if len(args) == 1 and callable(args[0]):
        function = args[0]
        setattr(function, _MARKER, _spec(function, ()))
        return function
    for name in args:
        if not isinstance(name, str) or not name:
            raise TypeError(
                f"@component takes template names (non-empty strings), got {name!r}; "
                "write @component or @component('app/name.html')."
            )

    def decorate(function: F) -> F:
        setattr(function, _MARKER, _spec(function, tuple(args)))
        return function

    return decorate


def spec_of(obj: object) -> ComponentSpec | None:
    """Return the ComponentSpec of a function marked @component, else None."""
    spec = getattr(obj, _MARKER, None)
    # The marker must belong to this very function: a wrapper made with functools.wraps
    # copies __dict__, and would otherwise pass for the component it wraps.
    return spec if isinstance(spec, ComponentSpec) and spec.function is obj else None
