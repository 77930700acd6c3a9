"""Elements: tag functions that render straight to ``HtmlString`` (a Django ``SafeString``).

Each tag function is a closure over its precomputed start and end tags. The common case (text
and markup children, attributes) runs inline; everything else goes through ``_child``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Final, Protocol

from django.utils.functional import Promise
from django.utils.safestring import SafeString

from ._attributes import PREFIXES, attribute, render_attributes, validate_name
from ._escape import escape
from ._html_string import HtmlString, refuse_rusty_tags, trusted_html

__all__ = ["VOID_ELEMENTS", "CustomTag", "Fragment", "Tag", "element"]

VOID_ELEMENTS: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
_RAW_TEXT: Final = frozenset({"script", "style"})
# The parser drops one newline right after these start tags, so a text that begins with a
# newline needs a second one to survive.
_LEADING_NEWLINE: Final = frozenset({"pre", "textarea", "listing"})

# Inside <script>, "</script" ends the element and "<!--" can make the parser skip the real
# end tag; inside <style>, "</style" ends it. A backslash keeps both inert: "<\/" and "<\!--"
# read the same inside JS and CSS strings, where such text legitimately appears.
_RAW_TEXT_ENDS: Final = {
    "script": re.compile(r"<(?=/script|!--)", re.IGNORECASE),
    "style": re.compile(r"<(?=/style)", re.IGNORECASE),
}


class Tag(Protocol):
    """A tag function: ``Div(*children, **attributes)`` returns the rendered element."""

    __name__: str

    def __call__(self, *children: object, **attributes: object) -> HtmlString: ...


class _AttributeChild(Exception):
    """A positional mapping among the children: RustyTags reads it as attributes."""


def _child(child: object) -> str:
    """Render a child that is not a plain str, SafeString or HtmlString."""
    if child is None or child is True or child is False:
        return ""
    if isinstance(child, Mapping):  # before __html__: datastar-py's attribute objects have both
        raise _AttributeChild
    html = trusted_html(child)
    if html is not None:
        return html
    if isinstance(child, str | Promise):  # a lazy string proxies str, __iter__ included
        return escape(str(child))
    if isinstance(child, bytes | bytearray | memoryview):
        raise TypeError(f"Cannot render {type(child).__name__} {child!r}; decode it to str first.")
    if isinstance(child, Iterable):
        return "".join(_nested(c) for c in child)
    return escape(str(child))


def _nested(child: object) -> str:
    if child.__class__ is HtmlString:
        return child
    if child.__class__ is str:
        return escape(child)
    if child.__class__ is SafeString:
        return child
    try:
        return _child(child)
    except _AttributeChild:
        refuse_rusty_tags(child)
        raise TypeError(
            f"Cannot render the dict {child!r}: a dict of attributes must be a direct "
            "child of an element, not inside a list or a Fragment."
        ) from None


def _render_children(children: tuple[object, ...]) -> str:
    return "".join([_nested(child) for child in children])


def _split_attributes(
    children: tuple[object, ...], attrs: dict[str, object]
) -> tuple[list[object], dict[str, object]]:
    """Merge positional mappings into the attributes, in call order, before the keywords."""
    merged: dict[str, object] = {}
    rest: list[object] = []
    for child in children:
        if isinstance(child, Mapping):
            refuse_rusty_tags(child)  # rusty_tags.datastar.Signals and AttrDict are dicts
            for key, value in child.items():
                _merge(merged, key, value)
        else:
            rest.append(child)
    for key, value in attrs.items():
        _merge(merged, key, value)
    return rest, merged


def _merge(attrs: dict[str, object], key: str, value: object) -> None:
    if key in attrs:
        raise ValueError(f"Duplicate attribute {key!r}: it is given twice; pass it only once.")
    attrs[key] = value


def _render(tag: str, children: tuple[object, ...], attrs: dict[str, object]) -> HtmlString:
    """Render any element: the general path behind every tag function."""
    if any(isinstance(child, Mapping) for child in children):
        rest, attrs = _split_attributes(children, attrs)
        children = tuple(rest)
    start = "<" + tag + render_attributes(attrs) + ">" if attrs else "<" + tag + ">"
    if tag in VOID_ELEMENTS:
        if children:
            raise TypeError(
                f"<{tag}> is a void element and cannot have children, got {children!r}."
            )
        return HtmlString(start)
    if tag in _RAW_TEXT:
        body = "".join([_raw(child) for child in children])
        body = _RAW_TEXT_ENDS[tag].sub(r"<\\", body)
    else:
        body = _render_children(children)
        if tag in _LEADING_NEWLINE and body.startswith("\n"):
            body = "\n" + body
    if tag == "html":
        start = "<!doctype html>" + start
    return HtmlString(start + body + "</" + tag + ">")


def _raw(child: object) -> str:
    """Render a child of a raw-text element: strings are written as they are."""
    if isinstance(child, str):
        return child
    if child is None or child is True or child is False:
        return ""
    html = trusted_html(child)
    if html is not None:
        return html
    if isinstance(child, bytes | bytearray | memoryview | Mapping):
        raise TypeError(
            f"Cannot render {type(child).__name__} {child!r} inside a raw-text element."
        )
    if isinstance(child, Iterable) and not isinstance(child, Promise):
        return "".join(_raw(c) for c in child)
    return str(child)


def element(tag: str) -> Tag:
    """Return the tag function for the element *tag* (its name written as given)."""
    validate_name(tag, "tag")
    if tag in VOID_ELEMENTS or tag in _RAW_TEXT or tag in _LEADING_NEWLINE or tag == "html":

        def special(*children: object, **attrs: object) -> HtmlString:
            return _render(tag, children, attrs)

        tag_function = special
    else:
        start = "<" + tag
        start_gt = start + ">"
        end = "</" + tag + ">"

        # The first child is a positional-only parameter: cheaper than indexing *children, and
        # Div() and Div(None) render alike. Markup (HtmlString from other tags, SafeString) and
        # plain str children, the common case, are handled inline; _child() takes the rest.
        def common(first: object = None, /, *rest: object, **attrs: object) -> HtmlString:
            body: str
            # The class is read once per child; mypy does not narrow on `kind is str`, hence the
            # ignores (a cast() would be a call per child).
            try:
                kind = first.__class__
                if kind is HtmlString:
                    body = first  # type: ignore[assignment]
                elif kind is str:
                    body = escape(first)  # type: ignore[arg-type]
                elif kind is SafeString:
                    body = first  # type: ignore[assignment]
                else:
                    body = _child(first)
                if rest:
                    parts = [body]
                    for child in rest:
                        kind = child.__class__
                        if kind is HtmlString:
                            parts.append(child)  # type: ignore[arg-type]
                        elif kind is str:
                            parts.append(escape(child))  # type: ignore[arg-type]
                        elif kind is SafeString:
                            parts.append(child)  # type: ignore[arg-type]
                        else:
                            parts.append(_child(child))
                    body = "".join(parts)
            except _AttributeChild:
                return _render(tag, (first, *rest), attrs)
            if not attrs:
                return HtmlString(start_gt + body + end)
            out = start
            for key, value in attrs.items():
                try:
                    prefix = PREFIXES[key]
                except KeyError:
                    out = start + render_attributes(attrs)
                    break
                if value.__class__ is str:
                    out += prefix + escape(value) + '"'
                else:
                    out += attribute(key, value)
            return HtmlString(out + ">" + body + end)

        tag_function = common
    tag_function.__name__ = tag_function.__qualname__ = tag[:1].upper() + tag[1:]
    tag_function.__doc__ = (
        f"Render a <{tag}> element: children are escaped unless they are markup "
        "(an object with __html__); keyword arguments become attributes."
    )
    return tag_function


def Fragment(*children: object) -> HtmlString:
    """Render children side by side, with no element around them."""
    return HtmlString(_render_children(children))


def CustomTag(name: str, /, *children: object, **attributes: object) -> HtmlString:
    """Render an element whose tag function does not exist: ``CustomTag("my-widget", ...)``."""
    return _render(validate_name(name, "tag"), children, attributes)
