"""Expressions of rustytags_backend.html.datastar, run by Node.js the way Datastar runs them.

Each expression is put on an element, rendered, parsed back with html5lib (as a browser reads
the attribute), compiled as the Datastar 1.0 client compiles an attribute (its statement
splitter, then its ``$signal`` and ``@action(`` rewrites) and run against a signal store and a
recording action table. Values from Python must come back exactly, whatever they contain: a
payload that broke out of its literal would change the result, fail to compile, or call
something. Each expression runs twice: with the 1.0.1 rewrite, which skips ``$`` inside
string literals, and with the earlier one, which rewrites ``$`` everywhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import html5lib
import pytest

from rustytags_backend.html import Button
from rustytags_backend.html.datastar import (
    DS,
    Expr,
    Signal,
    classes,
    clipboard,
    collect,
    f,
    js,
    match,
    post,
    value,
)

NODE = shutil.which("node")

RUNNER = r"""
const rewriteSignals = (expr, skipStrings) => {
  const path = (name) => name.split('.').reduce((acc, part) => `${acc}['${part}']`, '$');
  if (!skipStrings) return expr.replace(/\$([a-zA-Z_\d]\w*(?:[.-]\w+)*)/g, (_, n) => path(n));
  return expr.replace(
    /("(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\$]|\$(?!\{))*`)|\$\{([^{}]*)\}|\$([a-zA-Z_\d]\w*(?:[.-]\w+)*)/g,
    (match, quoted, inner, name) => {
      if (quoted) return match;
      if (inner !== undefined)
        return '${' + inner.replace(/\$([a-zA-Z_\d]\w*(?:[.-]\w+)*)/g, (_, n) => path(n)) + '}';
      return path(name);
    });
};
const statementRe = /(\/(\\\/|[^/])*\/|"(\\"|[^"])*"|'(\\'|[^'])*'|`(\\`|[^`])*`|\(\s*((function)\s*\(\s*\)|(\(\s*\))\s*=>)\s*(?:\{[\s\S]*?\}|[^;){]*)\s*\)\s*\(\s*\)|[^;])+/gm;
const compile = (value, skipStrings) => {
  const statements = value.trim().match(statementRe);
  const last = statements.length - 1;
  if (!statements[last].trim().startsWith('return')) {
    statements[last] = `return (${statements[last].trim()});`;
  }
  let expr = rewriteSignals(statements.join(';\n'), skipStrings);
  expr = expr.replaceAll(/@(\w+)\(/g, '__action("$1",evt,');
  return Function('el', '$', '__action', 'evt', expr);
};
const results = [];
for (const {expression, store} of JSON.parse(require('fs').readFileSync(0, 'utf8'))) {
  const runs = [true, false].map((skipStrings) => {
    const calls = [];
    const signals = structuredClone(store);
    try {
      const value = compile(expression, skipStrings)(
        null, signals, (name, evt, ...args) => { calls.push([name, ...args]); }, undefined);
      return {value: value === undefined ? null : value, calls, signals};
    } catch (error) {
      return {error: String(error)};
    }
  });
  results.push(runs);
}
console.log(JSON.stringify(results));
"""  # noqa: E501 (Datastar's own regular expression)

PAYLOADS = [
    "it's",
    'say "hi"',
    "\\",
    "\\'",
    "\\\\'; alert(1); //",
    "'); alert(1); ('",
    '"); alert(1); ("',
    "`${alert(1)}`",
    "${1+1}",
    "$count",
    "$count++; @post('/x')",
    "@post('/x')",
    "a;b;c",
    "//",
    "/* x */",
    "/x/",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "a\nb\rc\u2028d\u2029e",
    "Grüße 東京 🚀",
    "\U0001f595JS_DS\U0001f680 marker",
    "{zz} {0}",
    "a}b",
    "&amp; &#39;",
    "",
]

STORE: dict[str, Any] = {"n": "N", "list": [], "out": None}


def attribute_value(expression: Expr | str) -> str:
    """Render *expression* as an attribute and read it back as the browser does."""
    element = html5lib.parseFragment(
        str(Button(on_click=expression)), treebuilder="etree", namespaceHTMLElements=False
    )[0]
    return str(element.attrib["data-on:click"])


def run(expressions: list[Expr | str]) -> list[dict[str, Any]]:
    """Run each expression under both rewrites; return what the 1.0.1 rewrite gave."""
    assert NODE is not None
    cases = [{"expression": attribute_value(e), "store": STORE} for e in expressions]
    completed = subprocess.run(
        [NODE, "-e", RUNNER],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    results = json.loads(completed.stdout)
    for expression, (current, earlier) in zip(expressions, results, strict=True):
        assert current == earlier, f"the two rewrites differ for {expression}"
    return [current for current, _ in results]


def outcome(result: Any = None, calls: list[Any] | None = None, **signals: Any) -> dict[str, Any]:
    return {"value": result, "calls": calls or [], "signals": {**STORE, **signals}}


requires_node = pytest.mark.skipif(
    NODE is None, reason="Node.js is not installed: apt install nodejs to run it"
)

Case = tuple[Callable[[str], Expr | str], Callable[[str], dict[str, Any]]]

CASES: dict[str, Case] = {
    "assigned literal": (
        lambda p: Signal("out").set(p),
        lambda p: outcome(p, out=p),
    ),
    "action options and payload": (
        lambda p: post("/x", headers={"X-Note": p}, data={"v": p}),
        lambda p: outcome(calls=[["post", "/x", {"headers": {"X-Note": p}, "payload": {"v": p}}]]),
    ),
    "action url": (
        lambda p: post(p),
        lambda p: outcome(calls=[["post", p]]),
    ),
    "ds set": (
        lambda p: DS.set("out", p),
        lambda p: outcome(p, out=p),
    ),
    "ds get query": (
        lambda p: DS.get("/x", q=p),
        lambda p: outcome(calls=[["get", "/x?" + urlencode({"q": p})]]),
    ),
    "ds append": (
        lambda p: DS.append("list", p),
        lambda p: outcome(1, list=[p]),
    ),
    "template literal": (
        lambda p: Signal("out").set(p + Signal("n") + p),
        lambda p: outcome(p + "N" + p, out=p + "N" + p),
    ),
    "interpolated string, then a signal": (
        lambda p: Signal("out").set("<" + js("String")(p) + Signal("n") + js("String")(p)),
        lambda p: outcome("<" + p + "N" + p, out="<" + p + "N" + p),
    ),
    "f template": (
        lambda p: Signal("out").set(f(p + "{zz_key}" + p, zz_key=p)),
        lambda p: outcome(p * 3, out=p * 3),
    ),
    "match": (
        lambda p: Signal("out").set(match(Signal("n"), N=p, default="")),
        lambda p: outcome(p, out=p),
    ),
    "clipboard": (
        lambda p: clipboard(text=p),
        lambda p: outcome(calls=[["clipboard", p]]),
    ),
    "classes key": (
        lambda p: Signal("out").set(classes(**{p: True})),
        lambda p: outcome({p: True}, out={p: True}),
    ),
    "collect": (
        lambda p: Signal("out").set(collect([(True, p), (True, p)], join_with=p)),
        lambda p: outcome(p * 3 if p else "", out=p * 3 if p else ""),
    ),
    "value": (
        lambda p: Signal("out").set(value({"k": p, p: [p]})),
        lambda p: outcome({"k": p, p: [p]}, out={"k": p, p: [p]}),
    ),
    "called code": (
        lambda p: Signal("out").set(js("String")(p)),
        lambda p: outcome(p, out=p),
    ),
}


@requires_node
@pytest.mark.parametrize("case", list(CASES))
def test_values_from_python_come_back_exactly(case: str) -> None:
    build, expected = CASES[case]
    assert run([build(p) for p in PAYLOADS]) == [expected(p) for p in PAYLOADS]


@requires_node
def test_operators_compute_what_python_says() -> None:
    n = Signal("n")
    results = run(
        [
            (n + "!").upper(),
            (n == "N") & (n != "M"),
            ~(n.length > 1) | (n.length >= 1),
            (n.length * 3 - 1) / 2 % 2,
            n.contains("N").if_("yes", "no"),
        ]
    )
    assert [r["value"] for r in results] == ["N!", True, True, 1, "yes"]
