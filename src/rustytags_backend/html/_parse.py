"""``HtmlElement`` and ``parse_html()``: markup as a tree to inspect, change and render again.

The tree is built from what the markup says, with the HTML parser's rules for end tags that may
be left out (``<li>a<li>b``) and for SVG names (``clipPath``, ``viewBox``). Text and attribute
values are decoded on the way in and escaped again on the way out, by the tag functions.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable, Iterator, Mapping
from html.parser import HTMLParser
from typing import Any, Final

from rustytags_backend._attributes import attribute_name
from rustytags_backend._elements import VOID_ELEMENTS, Fragment, Tag, element
from rustytags_backend._html_string import HtmlString

__all__ = ["HtmlElement", "parse_html"]

_FIELDS: Final = ("tag", "attributes", "children", "is_text")


class HtmlElement:
    """An element parsed from markup, with a mutable tag, attributes and children.

    ``Form(Input(name="email")).parse()`` gives ``HtmlElement(tag='form', ...)`` whose
    ``children`` hold the ``input`` element; text children are plain ``str``, decoded
    (``"Tom & Jerry"``). Change ``tag``, the ``attributes`` dict or the ``children`` list, then
    render with :meth:`to_html`, which escapes text and attribute values again.

    Attribute keys follow the tag functions' keyword conventions when rendered, so
    ``el.attributes["cls"] = "x"`` writes ``class="x"``; of two keys that name one attribute
    the later in the dict wins (a new key comes last). ``el.name`` reads
    ``el.attributes["name"]`` (or, failing that, the attribute the keyword ``name`` stands for:
    ``el.data_id`` reads ``data-id``), and ``el.name = value`` sets ``el.attributes["name"]``.

    An element with ``tag=""`` has no element of its own and renders its children alone; an
    element with ``is_text=True`` is the text ``tag``.
    """

    __slots__ = _FIELDS

    tag: str
    attributes: dict[str, Any]
    children: list[str | HtmlElement]
    is_text: bool

    def __init__(
        self,
        tag: str = "",
        attributes: dict[str, Any] | None = None,
        children: list[str | HtmlElement] | None = None,
        is_text: bool = False,
    ) -> None:
        self.tag = tag
        self.attributes = {} if attributes is None else attributes
        self.children = [] if children is None else children
        self.is_text = is_text

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _FIELDS:
            self.attributes[name] = value
            return
        if name == "children" and isinstance(value, tuple):
            value = list(value)
        kind, what = _FIELD_TYPES[name]
        if not isinstance(value, kind):
            raise TypeError(f"HtmlElement {name} must be {what}, got {value!r}.")
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails. Private and special names are never HTML
        # attributes: copy and pickle probe for those, and may do so before the fields are set.
        if name.startswith("_") or name in _FIELDS:
            raise AttributeError(f"'HtmlElement' object has no attribute {name!r}")
        attributes = self.attributes
        if name in attributes:
            return attributes[name]
        try:
            mapped = attribute_name(name)[0]
        except ValueError:  # getattr() with a name no attribute can have
            mapped = name
        if mapped in attributes:
            return attributes[mapped]
        raise AttributeError(
            f"'HtmlElement' object has no attribute {name!r}: <{self.tag}> has no {mapped!r} "
            "attribute; el.attributes.get(...) reads an attribute that may be missing."
        )

    def to_html(self) -> HtmlString:
        """Render the tree as markup, escaping text and attribute values."""
        return _render_tree(self)

    def __html__(self) -> str:
        return str(_render_tree(self))

    def __repr__(self) -> str:
        if self.is_text:
            return f"HtmlElement(text={self.tag!r})"
        return (
            f"HtmlElement(tag={self.tag!r}, attributes={self.attributes!r}, "
            f"children={len(self.children)})"
        )


_FIELD_TYPES: Final[Mapping[str, tuple[type, str]]] = {
    "tag": (str, "a str"),
    "attributes": (dict, "a dict"),
    "children": (list, "a list"),
    "is_text": (bool, "a bool"),
}


def _render_tree(root: HtmlElement) -> HtmlString:
    if root.is_text:
        return Fragment(root.tag)
    # Depth first without recursion: a deep tree must not hit the recursion limit, and a tree
    # that contains itself is an error, not a crash.
    stack: list[tuple[HtmlElement, Iterator[object], list[object]]] = [
        (root, iter(root.children), [])
    ]
    on_path = {id(root)}
    while True:
        element, children, parts = stack[-1]
        for child in children:
            if isinstance(child, HtmlElement) and not child.is_text:
                if id(child) in on_path:
                    raise ValueError(
                        f"{child!r} contains itself, so it cannot be rendered; remove it from "
                        "its own children."
                    )
                on_path.add(id(child))
                stack.append((child, iter(child.children), []))
                break
            parts.append(child)  # text, and text elements (rendered through __html__)
        else:
            stack.pop()
            on_path.discard(id(element))
            markup = _render_element(element, parts)
            if not stack:
                return markup
            stack[-1][2].append(markup)


def _render_element(element: HtmlElement, children: list[object]) -> HtmlString:
    if not element.tag:
        if element.attributes:
            raise ValueError(
                f"{element!r} has attributes but no tag to put them on; give it a tag, or "
                "move the attributes to an element among its children."
            )
        return Fragment(*children)
    # Keys are keywords: of those naming one attribute the later wins, in the place of the first.
    keywords: dict[str, tuple[str, object]] = {}
    for key, value in element.attributes.items():
        if not isinstance(key, str):
            raise TypeError(f"HtmlElement attribute names must be str, got {key!r}.")
        keywords[attribute_name(key)[0]] = (key, value)
    return _tag(element.tag)(*children, **dict(keywords.values()))


# Not CustomTag(name, ...): an attribute may be called "name". Bounded: the names come from
# markup, which may be anyone's.
_tag: Callable[[str], Tag] = functools.lru_cache(maxsize=256)(element)


# What the parser needs to know about HTML elements
# -------------------------------------------------

# Their content is text up to the end tag; for the escapable ones, character references in it
# are decoded (the others are JS and CSS).
_RAW_TEXT: Final = ("script", "style")
_ESCAPABLE_RAW_TEXT: Final = ("textarea", "title")
# A newline right after their start tag is not content.
_LEADING_NEWLINE: Final = frozenset({"pre", "textarea", "listing"})

# Start tags that end an open <p> (an end tag for <p> may be left out before them).
_CLOSES_P: Final = frozenset(
    {"address", "article", "aside", "blockquote", "center", "dd", "details", "dialog", "dir",
     "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
     "h4", "h5", "h6", "header", "hgroup", "hr", "li", "listing", "main", "menu", "nav", "ol",
     "p", "pre", "search", "section", "summary", "table", "ul", "xmp"}
)  # fmt: skip
# Elements past which a start tag never looks for an element to end.
_SCOPE: Final = frozenset(
    {"applet", "button", "caption", "html", "marquee", "object", "table", "td", "template",
     "th", "svg", "math"}
)  # fmt: skip
_Rule = tuple[frozenset[str], frozenset[str]]


def _rule(ends: set[str], limits: set[str]) -> _Rule:
    """The elements a start tag ends (the innermost open one), and those past which it does
    not look: *limits* (an <li> ends the <li> of its own list, not one of an outer list) and
    the edges of scopes."""
    return frozenset(ends), frozenset((limits | _SCOPE) - ends)


_CELL: Final = _rule({"td", "th"}, {"tr", "table"})
_ROW: Final = _rule({"tr"}, {"table", "thead", "tbody", "tfoot"})
_SECTION: Final = _rule({"thead", "tbody", "tfoot"}, {"table"})
_OPTION: Final = _rule({"option"}, {"select", "datalist", "optgroup"})
_P: Final = _rule({"p"}, set())
# For each start tag that may end open elements, its rules, applied in order.
_ENDS: Final[dict[str, tuple[_Rule, ...]]] = {
    "li": (_rule({"li"}, {"ul", "ol", "menu"}),),
    "dt": (_rule({"dt", "dd"}, {"dl"}),),
    "dd": (_rule({"dt", "dd"}, {"dl"}),),
    "option": (_OPTION,),
    "optgroup": (_OPTION, _rule({"optgroup"}, {"select"})),
    "rt": (_rule({"rt", "rp"}, {"ruby"}),),
    "rp": (_rule({"rt", "rp"}, {"ruby"}),),
    "td": (_CELL,),
    "th": (_CELL,),
    "tr": (_CELL, _ROW),
    "thead": (_CELL, _ROW, _SECTION),
    "tbody": (_CELL, _ROW, _SECTION),
    "tfoot": (_CELL, _ROW, _SECTION),
}
# The children of these SVG and MathML elements are HTML again.
_HTML_INSIDE: Final = frozenset(
    {"foreignObject", "desc", "title", "mi", "mo", "mn", "ms", "mtext", "annotation-xml"}
)
# SVG and MathML names that are not all lower case: the parser lower-cases every name, and the
# HTML standard's tree construction gives these their case back inside <svg> and <math>.
_SVG_ELEMENTS: Final = {
    name.lower(): name
    for name in (
        "altGlyph", "altGlyphDef", "altGlyphItem", "animateColor", "animateMotion",
        "animateTransform", "clipPath", "feBlend", "feColorMatrix", "feComponentTransfer",
        "feComposite", "feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap",
        "feDistantLight", "feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
        "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology", "feOffset",
        "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
        "foreignObject", "glyphRef", "linearGradient", "radialGradient", "textPath"
    )
}  # fmt: skip
_SVG_ATTRIBUTES: Final = {
    name.lower(): name
    for name in (
        "attributeName", "attributeType", "baseFrequency", "baseProfile", "calcMode",
        "clipPathUnits", "diffuseConstant", "edgeMode", "filterUnits", "glyphRef",
        "gradientTransform", "gradientUnits", "kernelMatrix", "kernelUnitLength", "keyPoints",
        "keySplines", "keyTimes", "lengthAdjust", "limitingConeAngle", "markerHeight",
        "markerUnits", "markerWidth", "maskContentUnits", "maskUnits", "numOctaves", "pathLength",
        "patternContentUnits", "patternTransform", "patternUnits", "pointsAtX", "pointsAtY",
        "pointsAtZ", "preserveAlpha", "preserveAspectRatio", "primitiveUnits", "refX", "refY",
        "repeatCount", "repeatDur", "requiredExtensions", "requiredFeatures", "specularConstant",
        "specularExponent", "spreadMethod", "startOffset", "stdDeviation", "stitchTiles",
        "surfaceScale", "systemLanguage", "tableValues", "targetX", "targetY", "textLength",
        "viewBox", "viewTarget", "xChannelSelector", "yChannelSelector", "zoomAndPan"
    )
}  # fmt: skip
_MATHML_ATTRIBUTES: Final = {"definitionurl": "definitionURL"}

_HTML: Final = 0
_SVG: Final = 1
_MATHML: Final = 2


class _TreeBuilder(HTMLParser):
    # Set here, as Python versions differ: newer ones decode the escapable raw text themselves
    # (RCDATA_CONTENT_ELEMENTS, 3.13.6) and treat more elements as raw text.
    CDATA_CONTENT_ELEMENTS = _RAW_TEXT + _ESCAPABLE_RAW_TEXT  # type: ignore[misc]
    RCDATA_CONTENT_ELEMENTS = ()  # type: ignore[misc]

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = HtmlElement()
        # The open elements, innermost last, with their namespaces.
        self.open: list[HtmlElement] = [self.root]
        self.namespaces: list[int] = [_HTML]
        # Where the open elements of each (lower-cased) name are, and the open SVG and MathML
        # elements: finding what a tag ends takes a few lookups, not a walk down the open
        # elements, which would make deeply nested markup slow to parse.
        self.positions: dict[str, list[int]] = {}
        self.foreign: list[int] = []
        self.text: list[str] = []  # text not yet added to the current element
        self.after_start_tag: HtmlElement | None = None

    def _push(self, element: HtmlElement, namespace: int) -> None:
        index = len(self.open)
        self.open.append(element)
        self.namespaces.append(namespace)
        self.positions.setdefault(element.tag.lower(), []).append(index)
        if namespace != _HTML:
            self.foreign.append(index)

    def _pop_to(self, index: int) -> None:
        """Close the open element at *index* and those inside it."""
        self._flush()
        while len(self.open) > index:
            element = self.open.pop()
            if self.namespaces.pop() != _HTML:
                self.foreign.pop()
            self.positions[element.tag.lower()].pop()

    def _innermost(self, tags: frozenset[str]) -> int:
        return max((p[-1] for tag in tags if (p := self.positions.get(tag))), default=0)

    def _flush(self) -> None:
        if self.text:
            self.open[-1].children.append("".join(self.text))
            self.text.clear()

    def _namespace(self, tag: str) -> int:
        namespace = self.namespaces[-1]
        if namespace != _HTML and self.open[-1].tag in _HTML_INSIDE:
            namespace = _HTML
        if namespace == _HTML:
            return _SVG if tag == "svg" else _MATHML if tag == "math" else _HTML
        return namespace

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        self._flush()
        namespace = self._namespace(tag)
        attributes: dict[str, Any] = {}
        if namespace == _HTML:
            self._end_implied(tag)
            names: Mapping[str, str] = {}
        else:
            tag = _SVG_ELEMENTS.get(tag, tag) if namespace == _SVG else tag
            names = _SVG_ATTRIBUTES if namespace == _SVG else _MATHML_ATTRIBUTES
        for name, value in attrs:
            # The first of repeated attributes counts, as in browsers.
            attributes.setdefault(names.get(name, name), "" if value is None else value)
        element = HtmlElement(tag, attributes)
        self.open[-1].children.append(element)
        self.after_start_tag = None
        if (tag in VOID_ELEMENTS and namespace == _HTML) or (closed and namespace != _HTML):
            return
        self._push(element, namespace)
        if tag in _LEADING_NEWLINE:
            self.after_start_tag = element

    def _end_implied(self, tag: str) -> None:
        for ends, limits in ((_P,) if tag in _CLOSES_P else ()) + _ENDS.get(tag, ()):
            end = self._innermost(ends)
            # An element to end, not behind a limit or in foreign content.
            if (
                end
                and end > self._innermost(limits)
                and end > (self.foreign[-1] if self.foreign else 0)
            ):
                self._pop_to(end)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # "/>" closes SVG and MathML elements; on an HTML element it means nothing.
        self._start(tag, attrs, closed=True)

    def handle_endtag(self, tag: str) -> None:
        self.after_start_tag = None
        # An end tag with no open element of its name is ignored, as browsers do.
        if positions := self.positions.get(tag):
            self._pop_to(positions[-1])

    def handle_data(self, data: str) -> None:
        if self.after_start_tag is not None and data.startswith("\n"):
            data = data[1:]
        self.after_start_tag = None
        if self.open[-1].tag in _ESCAPABLE_RAW_TEXT:
            data = html.unescape(data)
        self.text.append(data)

    # Comments, the doctype and processing instructions are not part of the tree (Html()
    # writes the doctype again).
    def handle_comment(self, data: str) -> None:
        self.after_start_tag = None

    def handle_decl(self, decl: str) -> None:
        self.after_start_tag = None

    def close(self) -> None:
        super().close()
        self._flush()


def parse_html(text: str) -> HtmlElement:
    """Parse markup into an :class:`HtmlElement` tree (what ``HtmlString.parse()`` returns).

    Markup with one element at the top (and nothing else but whitespace) gives that element;
    other markup gives an element with ``tag=""`` whose children are the top-level nodes.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_html() takes markup, a str, got {text!r}.")
    builder = _TreeBuilder()
    # Newlines are normalised before parsing, as in browsers.
    builder.feed(text.replace("\r\n", "\n").replace("\r", "\n"))
    builder.close()
    root = builder.root
    nodes = [child for child in root.children if not isinstance(child, str) or child.strip()]
    if len(nodes) == 1 and isinstance(nodes[0], HtmlElement):
        return nodes[0]
    return root
