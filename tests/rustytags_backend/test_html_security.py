"""XSS payloads in every position, checked with an HTML5 parser.

Each case renders one element around a payload, between a root and a sentinel element, parses
the output with html5lib (which implements the WHATWG parsing algorithm, as browsers do) and
asserts that the element tree is exactly the intended one and that the payload comes back as
the same text or attribute value. A payload that escaped its position would add, remove or
reshape elements, or swallow the sentinel.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import html5lib
import pytest
import rusty_tags
from hypothesis import given
from hypothesis import strategies as st

from rustytags_backend.html import (
    Button,
    Div,
    Input,
    P,
    Pre,
    Script,
    Span,
    Style,
    Textarea,
    Title,
)

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '" autofocus onfocus=alert(1) x="',
    "</script><script>alert(1)</script>",
    "</SCRIPT ><script>alert(1)</script>",
    "</script\t><img src=x onerror=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "</StYlE/><img src=x onerror=alert(1)>",
    "<!--<script>",
    "<!--<script></script>--><img src=x onerror=alert(1)>",
    "--><img src=x onerror=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "&quot; onmouseover=&quot;alert(1)",
    "&amp;lt;&amp;gt;",
    "&",
    "&amp",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<svg/onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<plaintext>",
    "<xmp></xmp><script>alert(1)</script>",
    "javascript:alert(1)",
    "'-alert(1)-'",
    "\\'; alert(1); //",
    "`${alert(1)}`",
    "{{ 7*7 }}{% debug %}",
    "$count++; @post('/x')",
    "</",
    "<",
    ">",
    '"',
    "'",
    "",
    "\u2028\u2029",
    "Grüße 東京 🚀 \u00a0<\u00a0>",
    "\ufeff<script>",
    "a\tb\nc\x0cd",
    "\n<leading newline>",
]

Node = tuple[str, dict[str, str], list[Any]]


def _children(element: Any) -> list[Any]:
    nodes: list[Any] = [element.text] if element.text else []
    for child in element:
        assert isinstance(child.tag, str), f"unexpected node {child!r}"
        nodes.append((child.tag, dict(child.attrib), _children(child)))
        if child.tail:
            nodes.append(child.tail)
    return nodes


def parse(markup: str) -> list[Any]:
    """Parse *markup* as the children of <body>; return nested (tag, attributes, children)."""
    fragment = html5lib.parseFragment(
        markup, container="body", treebuilder="etree", namespaceHTMLElements=False
    )
    return _children(fragment)


def text(value: str) -> list[str]:
    return [value] if value else []


def in_context(rendered: str) -> str:
    """Put *rendered* between a root and a sentinel, so a breakout shows in the tree."""
    return Div(Span("before"), rendered, P("after", id="after"), id="root")


def expected_in_context(node: Node) -> list[Any]:
    return [
        ("div", {"id": "root"}, [("span", {}, ["before"]), node, ("p", {"id": "after"}, ["after"])])
    ]


def raw_text(tag: str, value: str) -> str:
    """What the content of a raw-text element is written as: the layer's documented rule."""
    value = re.sub(f"(?i)</{tag}", lambda m: "<\\" + m.group(0)[1:], value)
    return value.replace("<!--", "<\\!--") if tag == "script" else value


# (name, render payload, expected node)
Case = tuple[str, Callable[[str], str], Callable[[str], Node]]


def attribute_case(name: str, keyword: str, attribute: str) -> Case:
    def render(payload: str) -> str:
        return Div("x", **{keyword: payload})

    def expected(payload: str) -> Node:
        return ("div", {attribute: payload}, ["x"])

    return name, render, expected


ATTRIBUTE_CASES: list[Case] = [
    attribute_case(name, kw, attr)
    for name, kw, attr in [
        ("id", "id", "id"),
        ("title", "title", "title"),
        ("href", "href", "href"),
        ("cls", "cls", "class"),
        ("data attribute", "data_payload", "data-payload"),
        ("aria attribute", "aria_label", "aria-label"),
        ("event handler", "onclick", "onclick"),
        ("verbatim name", "x-on:click", "x-on:click"),
        ("datastar on_click", "on_click", "data-on:click"),
        ("datastar text", "text", "data-text"),
        ("datastar show", "show", "data-show"),
        ("datastar attr_*", "attr_title", "data-attr:title"),
        ("datastar class_*", "class_active", "data-class:active"),
        ("datastar modifiers", "on_input__debounce_500ms", "data-on:input__debounce.500ms"),
    ]
]
CASES: list[Case] = [
    ("text child", lambda p: Div(p), lambda p: ("div", {}, text(p))),
    ("second text child", lambda p: Div("a", p), lambda p: ("div", {}, ["a" + p])),
    ("input value", lambda p: Input(value=p), lambda p: ("input", {"value": p}, [])),
    (
        "button text",
        lambda p: Button(p, type="submit"),
        lambda p: ("button", {"type": "submit"}, text(p)),
    ),
    ("title", lambda p: Title(p), lambda p: ("title", {}, text(p))),
    ("textarea", lambda p: Textarea(p, name="t"), lambda p: ("textarea", {"name": "t"}, text(p))),
    ("pre", lambda p: Pre(p), lambda p: ("pre", {}, text(p))),
    ("script", lambda p: Script(p), lambda p: ("script", {}, text(raw_text("script", p)))),
    ("style", lambda p: Style(p), lambda p: ("style", {}, text(raw_text("style", p)))),
    *ATTRIBUTE_CASES,
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("position", "render", "expected"), CASES, ids=[c[0] for c in CASES])
def test_payload_stays_in_its_position(
    position: str, render: Callable[[str], str], expected: Callable[[str], Node], payload: str
) -> None:
    assert parse(in_context(render(payload))) == expected_in_context(expected(payload))


def signals_value(markup: str) -> Any:
    [(_, attributes, _)] = parse(markup)
    return json.loads(attributes["data-signals"])


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_signals_comes_back_as_the_same_json(payload: str) -> None:
    assert signals_value(Div(signals={"v": payload, payload: 1})) == {"v": payload, payload: 1}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_signals_keeps_the_element_tree(payload: str) -> None:
    tree = parse(in_context(Div("x", signals={"v": payload})))
    signals = json.loads(tree[0][2][1][1].pop("data-signals"))
    assert (tree, signals) == (expected_in_context(("div", {}, ["x"])), {"v": payload})


def test_signal_values_hide_what_the_client_rewrites() -> None:
    # The client evaluates data-signals as an expression, reading "$rent" as a signal and
    # "@post(" as an action even inside a string; JSON's escapes read as the same text.
    assert Div(signals={"t": "Pay $rent @post(x) \\"}) == (
        '<div data-signals="{&#34;t&#34;:&#34;Pay \\u0024rent \\u0040post(x) \\u005c&#34;}"></div>'
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_keyed_signal_comes_back_as_the_same_json(payload: str) -> None:
    [(_, attributes, _)] = parse(Div(signals_v=payload))
    assert json.loads(attributes["data-signals:v"]) == payload


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if re.search(r"[\s\"'<>/=]", p)])
def test_payload_as_attribute_name_is_refused(payload: str) -> None:
    with pytest.raises(ValueError):
        Div(**{payload: "x"})


# The parser turns CR and CRLF into LF and drops NUL in text, wherever they come from: that is
# HTML, not escaping, so the property is stated over strings without them.
parseable_text = st.text(st.characters(exclude_characters="\x00\r", exclude_categories=["Cs"]))


@given(parseable_text)
def test_any_text_child_round_trips(value: str) -> None:
    assert parse(in_context(Div(value))) == expected_in_context(("div", {}, text(value)))


@given(parseable_text, parseable_text)
def test_any_attribute_value_round_trips(value: str, other: str) -> None:
    assert parse(in_context(Div(value, title=value, data_x=other))) == expected_in_context(
        ("div", {"title": value, "data-x": other}, text(value))
    )


@given(parseable_text)
def test_any_title_and_textarea_content_round_trips(value: str) -> None:
    assert parse(in_context(Div(Title(value), Textarea(value)))) == expected_in_context(
        ("div", {}, [("title", {}, text(value)), ("textarea", {}, text(value))])
    )


@given(parseable_text)
def test_any_pre_content_round_trips(value: str) -> None:
    assert parse(in_context(Pre(value))) == expected_in_context(("pre", {}, text(value)))


@given(parseable_text)
def test_any_script_content_stays_in_the_script(value: str) -> None:
    assert parse(in_context(Script(value))) == expected_in_context(
        ("script", {}, text(raw_text("script", value)))
    )


@given(parseable_text)
def test_any_style_content_stays_in_the_style(value: str) -> None:
    assert parse(in_context(Style(value))) == expected_in_context(
        ("style", {}, text(raw_text("style", value)))
    )


@pytest.mark.slow
@given(st.dictionaries(parseable_text, st.recursive(
    st.none() | st.booleans() | st.integers() | parseable_text,
    lambda inner: st.lists(inner) | st.dictionaries(parseable_text, inner),
)))  # fmt: skip
def test_any_signals_round_trip_as_json(signals: dict[str, Any]) -> None:
    assert signals_value(Div(signals=signals)) == signals


# rusty-tags writes every payload as it is, so its output is never accepted as markup: in
# any position (first child, later child, in a list, inside a raw-text element) it raises.
RUSTY_TAGS_POSITIONS: list[tuple[str, Callable[[object], str]]] = [
    ("first child", lambda child: Div(child)),
    ("later child", lambda child: P("a", child)),
    ("in a list", lambda child: Div(["a", child])),
    ("in script", lambda child: Script(child)),
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(
    ("position", "render"), RUSTY_TAGS_POSITIONS, ids=[p[0] for p in RUSTY_TAGS_POSITIONS]
)
def test_rusty_tags_markup_holding_a_payload_is_refused(
    position: str, render: Callable[[object], str], payload: str
) -> None:
    with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.core\.HtmlString "):
        render(rusty_tags.P(payload))
