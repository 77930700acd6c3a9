"""RustyTags' Datastar toolkit (``rusty_tags.datastar``), writing Datastar 1.0 and escaped.

Build Datastar expressions from Python and use them as attribute values of the tags in
``rustytags_backend.html``, which escape them for the attribute::

    >>> from rustytags_backend.html import Button, Div, Input, Span
    >>> from rustytags_backend.html.datastar import Signals, post
    >>> form = Signals(name="", count=0)
    >>> print(Div(Input(bind=form.name), signals=form))
    <div data-signals="{&#34;name&#34;:&#34;&#34;,&#34;count&#34;:0}"><input data-bind="name"></div>
    >>> print(Button("+1", on_click=form.count.add(1)))
    <button data-on:click="$count++">+1</button>
    >>> print(Span(text="Clicked " + form.count + " times"))
    <span data-text="`Clicked ${$count} times`"></span>
    >>> print(post("/search?q=it's", headers={"X-CSRFToken": "abc"}))
    @post('/search?q=it\\'s', {headers: {'X-CSRFToken': 'abc'}})
    >>> print(Button("Save", on_click=post("/save", contentType="form")))
    <button data-on:click="@post(&#39;/save&#39;, {contentType: &#39;form&#39;})">Save</button>

The names are RustyTags', so a port changes its imports. ``get``, ``post``, ``put``,
``patch``, ``delete``, ``value``, ``match``, ``f``, ``String`` and ``Object`` shadow builtins,
common names or tags (``Object`` is also a tag of ``rustytags_backend.html``, as are ``Data``
and ``Map``), so they stay in this module and only ``DS``, ``signals``, ``Signals``,
``reactive_class``, ``attribute_generator``, ``SSE``, ``ElementPatchMode`` and ``EventType``
are also in ``rustytags_backend.html``, as in RustyTags: import the others by name, not with
``*``.

What differs from rusty-tags 0.7.0, on purpose:

- Actions are Datastar 1.0's ``@get(url, options)``. Keyword arguments named after its
  options (``headers``, ``contentType`` or ``content_type``, ...) are options; the values to
  send (*data*, the other keyword arguments, ``DS.post(data=...)``) are the ``payload``
  option. There is no ``@data()`` or ``@target()``: ``target=`` raises TypeError. Every
  ``DS`` action takes ``_ds_options``.
- Every value from Python is a JSON-encoded literal, strings in single quotes, so a quote
  cannot end it; inside it ``@``, ``$``, ``\\`` and braces are ``\\u`` escapes, which the
  Datastar client does not rewrite. A str is always text: ``DS.set("a", "$b")`` sets the
  text ``$b``, ``post(url, name="$name")`` sends the text ``$name``; pass a Signal or
  ``js("$name")`` for code. ``js()`` and the strings written straight into an attribute
  (``on_click="$count++"``) are code.
- The text of a template literal (``"Hi " + name``, ``f()``) is escaped, quotes and
  backticks included, and ``f()`` writes a str value as text; ``regex()`` writes
  ``new RegExp('...')``.
- ``if_()``, ``all_()`` and ``any_()`` are parenthesised, and raw code and assignments are
  parenthesised as operands, so results combine with the right precedence; ``all_([])`` is
  ``true``. ``Math.max(a, b)`` and the other globals' properties are JavaScript's.
- An expression has no ``__html__`` (no attribute starting with ``_`` is property access),
  so as a child of an element it renders as its source, escaped, never as markup: use it as
  an attribute (``text=``). A missing signal of ``Signals`` raises AttributeError, and
  ``str(Signals(...))`` is its ``data-signals`` object.
- Signal names are checked (``\\w+`` parts joined by ``.`` or ``-``), and a value that is not
  JSON data raises TypeError when the expression is built.
- As attribute values: a Signal given to ``bind=``, ``ref=`` or ``indicator=`` writes its
  name; ``signals=`` takes Signals (nested under its namespace), a Signal or a list of them;
  True and False on an expression attribute are ``"true"``/``"false"``, while the attributes
  that act by being there (``ignore=``, ``persist=``, ...) are written bare or left out.

``attribute_generator``, ``SSE``, ``ElementPatchMode`` and ``EventType`` are datastar-py's own
objects; ``SSE.patch_elements(Div(...))`` takes this package's tags as they are.
"""

from __future__ import annotations

from typing import Any

from datastar_py import ServerSentEventGenerator as SSE
from datastar_py.attributes import attribute_generator
from datastar_py.consts import ElementPatchMode, EventType

from ._actions import DS, delete, get, patch, post, put
from ._expressions import Expr
from ._helpers import (
    JSON,
    Array,
    Boolean,
    Date,
    Math,
    Number,
    Object,
    String,
    all_,
    any_,
    classes,
    clear_timeout,
    clipboard,
    collect,
    console,
    expr,
    f,
    if_,
    js,
    match,
    regex,
    reset_timeout,
    seq,
    set_timeout,
    switch,
    to_js_value,
    value,
)
from ._signals import Signal, Signals

__all__ = [
    "DS",
    "JSON",
    "SSE",
    "Array",
    "Boolean",
    "Date",
    "ElementPatchMode",
    "EventType",
    "Expr",
    "Math",
    "Number",
    "Object",
    "Signal",
    "Signals",
    "String",
    "all_",
    "any_",
    "attribute_generator",
    "classes",
    "clear_timeout",
    "clipboard",
    "collect",
    "console",
    "delete",
    "expr",
    "f",
    "get",
    "if_",
    "js",
    "match",
    "patch",
    "post",
    "put",
    "reactive_class",
    "regex",
    "reset_timeout",
    "seq",
    "set_timeout",
    "signals",
    "switch",
    "to_js_value",
    "value",
]


def signals(**kwargs: Any) -> dict[str, Any]:
    """Return the keyword arguments as a dict, for ``signals=``: ``signals(count=0)``."""
    return kwargs


def reactive_class(**conditions: Any) -> dict[str, Any]:
    """Return class names and their conditions as a dict, for ``cls=`` (``data-class``).

    ``reactive_class(active="$isActive")``: the values are expressions (str as code,
    Signals and other expressions as their source).
    """
    return conditions
