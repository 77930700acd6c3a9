"""RustyTags' helpers (``Safe``, ``when``, ``template``, ``TagBuilder``, ...), on the safe tags."""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, ParamSpec, Protocol, TypeVar, overload

from django.http import HttpRequest
from django.utils.functional import Promise

from rustytags_backend._elements import Fragment, Tag, element
from rustytags_backend._escape import escape
from rustytags_backend._html_string import HtmlString
from rustytags_backend.layout import Page

__all__ = [
    "AttrDict",
    "Safe",
    "TagBuilder",
    "create_template",
    "page_template",
    "show",
    "template",
    "unless",
    "when",
]

T = TypeVar("T")
P = ParamSpec("P")


def Safe(text: str | Promise) -> HtmlString:
    """Escape *text* and return it as markup: ``Safe("<b>")`` shows the text ``<b>``.

    This is RustyTags' ``Safe()``, and it does the opposite of Django's ``mark_safe()``: it
    makes text safe to insert by escaping it, so ``Div(Safe(comment))`` equals
    ``Div(comment)``. It escapes markup too (``Safe(mark_safe("<b>"))`` shows the tag as text).
    To insert markup you trust, use ``mark_safe()``.
    """
    # str() first: escape() would return a SafeString or Markup unchanged.
    return HtmlString(escape(str(_text(text))))


def _text(value: object) -> object:
    if not isinstance(value, str | Promise):
        raise TypeError(
            f"Safe() takes the text to escape, a str, got {type(value).__name__} {value!r}; "
            "pass str(value)."
        )
    return value


def when(condition: object, element: T) -> T | HtmlString:
    """Return *element* if *condition* is true, else an empty fragment (which renders nothing)."""
    return element if condition else Fragment()


def unless(condition: object, element: T) -> T | HtmlString:
    """Return *element* if *condition* is false, else an empty fragment (which renders nothing)."""
    return Fragment() if condition else element


class AttrDict(dict[str, Any]):
    """A ``dict`` whose keys can also be read and written as attributes.

    ``AttrDict(title="Home").title`` is ``"Home"``; a missing key reads as None, and setting
    ``d.x = 1`` sets the key ``"x"`` (names starting with ``_`` stay real attributes).
    """

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            # Special names are never keys: protocols probe for them, and Django's escaping
            # would call a None it found for __html__.
            raise AttributeError(name)
        return self.get(name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            super().__setattr__(name, value)
        else:
            self[name] = value

    def __dir__(self) -> Iterable[str]:
        return [*super().__dir__(), *self.keys()]

    def copy(self) -> AttrDict:
        """Return a shallow copy, itself an AttrDict."""
        return AttrDict(self)


def show(html: object) -> Any:
    """Display markup in a Jupyter notebook: return an ``IPython.display.HTML`` object.

    Raises ImportError when IPython is not installed.
    """
    try:
        display = importlib.import_module("IPython.display")  # optional: notebooks have it
    except ImportError as exc:
        raise ImportError(
            "IPython is not installed. Please install IPython to use this function."
        ) from exc
    return display.HTML(str(html))


class _Markup(Protocol):
    def __html__(self) -> str: ...


class _Template(Protocol):
    """A layout that also decorates: what template() and page_template() return."""

    @overload
    def __call__(self, content: _Markup, /, *more: object, **options: Any) -> Any: ...
    @overload
    def __call__(self, inner: Callable[P, object], /) -> Callable[P, Any]: ...
    @overload
    def __call__(self, /, **options: Any) -> Callable[[Callable[P, object]], Callable[P, Any]]: ...
    @overload
    def __call__(self, /, *content: object, **options: Any) -> Any: ...


def _wrap(
    layout: Callable[..., Any],
    inner: Callable[..., Any],
    kwargs: Mapping[str, Any],
    request_aware: bool,
) -> Callable[..., Any]:
    """Return *inner* wrapped so that its result goes through ``layout(result, **kwargs)``."""

    def keywords(args: tuple[Any, ...], inner_kwargs: Mapping[str, Any]) -> dict[str, Any]:
        if request_aware and "request" not in kwargs:
            # A view's request (or a component's) reaches the page, for its CSRF token.
            for value in (*args, *inner_kwargs.values()):
                if isinstance(value, HttpRequest):
                    return {**kwargs, "request": value}
        return dict(kwargs)

    if inspect.iscoroutinefunction(layout) or inspect.iscoroutinefunction(inner):

        @functools.wraps(inner)
        async def wrapped_async(*args: Any, **inner_kwargs: Any) -> Any:
            content = inner(*args, **inner_kwargs)
            if inspect.isawaitable(content):
                content = await content
            result = layout(content, **keywords(args, inner_kwargs))
            return await result if inspect.isawaitable(result) else result

        return wrapped_async

    @functools.wraps(inner)
    def wrapped(*args: Any, **inner_kwargs: Any) -> Any:
        return layout(inner(*args, **inner_kwargs), **keywords(args, inner_kwargs))

    return wrapped


def _template(layout: Callable[..., Any], request_aware: bool) -> _Template:
    @functools.wraps(layout)
    def decorator(*args: Any, **kwargs: Any) -> Any:
        if not args:
            return lambda inner: _wrap(layout, inner, kwargs, request_aware)
        # Markup is content even when callable (a TagBuilder is both).
        if len(args) == 1 and not kwargs and callable(args[0]) and not _is_markup(args[0]):
            return _wrap(layout, args[0], {}, request_aware)
        return layout(*args, **kwargs)

    return decorator


def _is_markup(value: object) -> bool:
    return hasattr(type(value), "__html__")


def template(func: Callable[..., Any]) -> _Template:
    """Turn a layout function ``func(content, *args, **kwargs)`` into one that also decorates.

    The result can be called directly, ``layout(Div("hi"), title="Home")``, or used on a
    function whose result becomes the content: ``@layout`` or ``@layout(title="Home")``. A
    wrapped ``async def`` function, or an async layout, gives an ``async def`` wrapper.
    """
    return _template(func, request_aware=False)


def page_template(
    page_title: str = "MyPage",
    hdrs: Iterable[object] | None = None,
    ftrs: Iterable[object] | None = None,
    htmlkw: Mapping[str, object] | None = None,
    bodykw: Mapping[str, object] | None = None,
    datastar: bool = True,
    **page_options: object,
) -> _Template:
    """Return a :func:`template` that wraps content in :func:`Page` with these settings.

    ``page = page_template("My App")`` gives ``page(Div(...), title="Home")``, ``@page`` and
    ``@page(title="Home", wrap_in=HttpResponse)``: *title* overrides *page_title*, and
    *wrap_in* is called on the finished page. Other keywords (``lang=``, ``head=``, body
    attributes) go to every ``Page()``.

    A decorated view's request (the first ``HttpRequest`` among its arguments) is passed to
    ``Page(request=...)``, so the page carries the CSRF token that Datastar's POST actions need.
    """
    if "request" in page_options:
        raise TypeError(
            "page_template() cannot take request=: a template outlives requests, and a page "
            "must never carry another request's CSRF token. Decorate the view (its request "
            "is picked up) or pass request= to each page(...) call."
        )

    def page(
        *content: object,
        title: str | None = None,
        wrap_in: Callable[[HtmlString], Any] | None = None,
        request: HttpRequest | None = None,
    ) -> Any:
        result = Page(
            *content,
            title=title or page_title,
            request=request,
            hdrs=hdrs,
            ftrs=ftrs,
            htmlkw=htmlkw,
            bodykw=bodykw,
            datastar=datastar,
            **page_options,  # type: ignore[arg-type]  # checked by Page() itself
        )
        return wrap_in(result) if wrap_in else result

    return _template(page, request_aware=True)


create_template = page_template  # RustyTags' older name


class TagBuilder:
    """A tag with preset attributes: calling it renders a new element, and changes nothing.

    ``card = TagBuilder("div", cls="card")``; ``card("Hello", id="c1")`` renders
    ``<div class="card" id="c1">Hello</div>``, and the next call starts from ``cls="card"``
    again. Keywords of a call replace presets of the same name. As markup (``str()``,
    ``__html__``, a child), a builder is its empty element.

    RustyTags' tag functions return a TagBuilder for ``Div()``, which keeps the attributes of
    every call; here ``Div()`` is the markup ``<div></div>``, and builders are made explicitly.
    """

    __slots__ = ("_attributes", "_render", "tag")

    tag: str
    _attributes: dict[str, object]
    _render: Tag

    def __init__(self, tag: str, /, **attributes: object) -> None:
        if not isinstance(tag, str):
            raise TypeError(f"TagBuilder() takes a tag name, a str, got {tag!r}.")
        object.__setattr__(self, "tag", tag)
        object.__setattr__(self, "_attributes", attributes)
        object.__setattr__(self, "_render", element(tag))
        if attributes:
            self()  # a bad name or value fails here, not at the first use

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(
            f"TagBuilder is immutable; make a new one: TagBuilder({self.tag!r}, ...)."
        )

    @property
    def attributes(self) -> Mapping[str, object]:
        """The preset attributes, as keyword arguments (a read-only view)."""
        return MappingProxyType(self._attributes)

    def __call__(self, *children: object, **attributes: object) -> HtmlString:
        return self._render(*children, **{**self._attributes, **attributes})

    def render(self) -> HtmlString:
        """The empty element with the preset attributes."""
        return self()

    def __html__(self) -> HtmlString:
        return self()

    def _repr_html_(self) -> HtmlString:
        return self()

    def __str__(self) -> str:
        return self()

    def __repr__(self) -> str:
        keywords = {k: v for k, v in self._attributes.items() if k.isidentifier()}
        others = {k: v for k, v in self._attributes.items() if k not in keywords}
        arguments = [repr(self.tag), *(f"{k}={v!r}" for k, v in keywords.items())]
        if others:
            arguments.append(f"**{others!r}")
        return f"TagBuilder({', '.join(arguments)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_tag_builder, (self.tag, self._attributes))


def _tag_builder(tag: str, attributes: dict[str, object]) -> TagBuilder:
    return TagBuilder(tag, **attributes)
