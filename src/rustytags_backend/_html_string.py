"""``HtmlString``, the type every tag function returns, and the one test for trusted markup."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, NoReturn, overload

from django.utils.safestring import SafeData, SafeString

if TYPE_CHECKING:
    from .html._parse import HtmlElement

__all__ = ["HtmlString", "refuse_rusty_tags", "trusted_html"]

_REPR_LIMIT: Final = 80


class HtmlString(SafeString):
    """Rendered, escaped markup: the result of every tag function, ``Fragment`` and ``CustomTag``.

    It is RustyTags' ``HtmlString`` as a Django ``SafeString``: a ``str`` that Django templates,
    Jinja2, ``format_html()`` and ``HttpResponse`` take as markup and never escape again.
    ``HtmlString(content)`` wraps markup you trust without escaping it, like ``mark_safe()``;
    never wrap text that comes from users. Adding markup to it keeps it markup; adding a plain
    ``str`` gives a plain ``str``, as with ``SafeString``.
    """

    __slots__ = ()

    # The tag functions build their results with HtmlString(text), so there is no __new__ here:
    # a Python-level __new__ would run on every element rendered.

    @overload
    def __add__(self, rhs: SafeString, /) -> HtmlString: ...
    @overload
    def __add__(self, rhs: str, /) -> str: ...
    def __add__(self, rhs: str, /) -> str:
        joined = str.__add__(self, rhs)
        if isinstance(rhs, SafeData):
            return HtmlString(joined)
        return joined

    @property
    def content(self) -> str:
        """The markup, as a plain ``str``."""
        return str.__str__(self)

    def render(self) -> str:
        """Return the markup as a plain ``str`` (RustyTags' spelling of ``str(html)``)."""
        return str.__str__(self)

    def _repr_html_(self) -> str:
        # Jupyter's rich display hook: the notebook shows the markup rendered.
        return str.__str__(self)

    def encode(self, encoding: str = "utf-8", errors: str | None = None) -> bytes:
        """Return the markup encoded, UTF-8 by default; ``errors=None`` means ``"strict"``."""
        return str.encode(self, encoding, "strict" if errors is None else errors)

    def __bytes__(self) -> bytes:
        return str.encode(self, "utf-8")

    def parse(self) -> HtmlElement:
        """Parse the markup into an ``HtmlElement`` tree, to inspect it (in tests, say)."""
        from .html._parse import parse_html  # imported on use: parsing is for tests and tools

        return parse_html(str.__str__(self))


def trusted_html(value: object) -> str | None:
    """Return the markup of *value* if its type defines ``__html__``, else ``None``.

    ``__html__`` is looked up on the type, as Python looks up special methods, so an object
    whose ``__getattr__`` makes up attributes (a mock, an expression builder) is not taken for
    markup. Objects from rusty-tags (its ``HtmlString``, ``TagBuilder`` and the
    ``rusty_tags.datastar`` objects) raise ``TypeError``: rusty-tags escapes nothing, so their
    markup may hold user data as live HTML. Port the code that built them to
    ``rustytags_backend.html``.
    """
    cls = type(value)
    try:
        html = _html_of[cls]
    except KeyError:
        html = _learn(cls)
    return None if html is None else str(html(value))


def refuse_rusty_tags(value: object) -> None:
    """Raise ``TypeError`` if *value* comes from rusty-tags, as ``trusted_html()`` would.

    For places that take objects other than markup (a dict of attributes, a component's
    return value) and must still not let rusty-tags output through.
    """
    cls = type(value)
    if (_html_of[cls] if cls in _html_of else _learn(cls)) is _refuse:
        _refuse(value)


# Each type's __html__ (None without one; _refuse for rusty-tags types), so that a child that
# is not a str (a number, a date) costs one dict lookup: reading a type's __module__ builds a
# new string for C types. Types are few, as they come from code; the cap only guards against
# classes made at run time, which are then looked up each time.
_html_of: dict[type, Callable[[Any], object] | None] = {}
_CACHED_TYPES: Final = 4096


def _learn(cls: type) -> Callable[[Any], object] | None:
    module = cls.__module__
    html: Callable[[Any], object] | None
    if module == "rusty_tags" or module.startswith("rusty_tags.") or _is_tag_builder(cls):
        html = _refuse
    else:
        html = getattr(cls, "__html__", None)
    if len(_html_of) < _CACHED_TYPES:
        _html_of[cls] = html
    return html


def _is_tag_builder(cls: type) -> bool:
    # rusty-tags' TagBuilder is a Rust type that reports "builtins" as its module. Nothing is
    # imported here: if rusty_tags.core was never imported, no TagBuilder can exist.
    core = sys.modules.get("rusty_tags.core")
    return core is not None and cls is getattr(core, "TagBuilder", None)


def _refuse(value: object) -> NoReturn:
    raise TypeError(_rusty_tags_message(value))


def _rusty_tags_message(value: object) -> str:
    cls = type(value)
    module = "rusty_tags" if cls.__module__ == "builtins" else cls.__module__
    # Markup is shown as its text, quoted: rusty-tags' repr() of it has no quotes.
    shown = repr(str(value)) if hasattr(cls, "__html__") else repr(value)
    if len(shown) > _REPR_LIMIT:
        shown = shown[: _REPR_LIMIT - 3] + "..."
    if module.startswith("rusty_tags.datastar"):
        port = "import it from rustytags_backend.html.datastar in place of rusty_tags.datastar"
    else:
        port = (
            "import the tags from rustytags_backend.html in place of rusty_tags or nitro "
            "(from rustytags_backend.html import Div, not from rusty_tags import Div or "
            "from nitro import Div), and rusty_tags.datastar from "
            "rustytags_backend.html.datastar"
        )
    return (
        f"Cannot render the {module}.{cls.__qualname__} {shown}: rusty-tags escapes nothing, "
        f"so user data in it would be live HTML. Port the code that built it: {port}."
    )
