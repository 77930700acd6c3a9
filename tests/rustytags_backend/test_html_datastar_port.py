"""Porting from rusty_tags.datastar: each name against rusty-tags 0.7.0 itself, side by side.

Every case runs the same code against ``rusty_tags.datastar`` (installed with this package)
and ``rustytags_backend.html.datastar``. SAME cases give the same result, which is also
written out; DIFFERENT cases are the intended differences listed in the module's docstring,
each with what both give. Tag cases compare the Datastar attribute, as parsed by html5lib.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import datastar_py
import html5lib
import pytest
import rusty_tags
import rusty_tags.datastar as upstream

import rustytags_backend.html as html
import rustytags_backend.html.datastar as ours

Build = Callable[[Any], object]


def attributes(markup: object) -> dict[str, str]:
    element = html5lib.parseFragment(str(markup), treebuilder="etree", namespaceHTMLElements=False)[
        0
    ]
    return dict(element.attrib)


# (case, build(module), result) where both modules give *result*.
SAME: list[tuple[str, Build, object]] = [
    ("Signal str", lambda d: str(d.Signal("count", 0)), "$count"),
    ("Signal namespace", lambda d: str(d.Signal("count", 0, namespace="app")), "$app.count"),
    ("Signal to_dict", lambda d: d.Signal("name", "test").to_dict(), {"name": "test"}),
    (
        "Signal type_",
        lambda d: [d.Signal("a", v).type_ for v in (1, "a", True, [1], {"k": 1})],
        [int, str, bool, list, dict],
    ),
    ("Signal hash", lambda d: hash(d.Signal("a", 0)) == hash(d.Signal("a", 1)), True),
    ("Signal is_same_as", lambda d: d.Signal("a").is_same_as(d.Signal("a")), True),
    (
        "Signal computed",
        lambda d: d.Signal("t", d.Signal("a") + 1).get_computed_attr()[0],
        "data_computed_t",
    ),
    ("Signals attribute", lambda d: str(d.Signals(counter=0).counter), "$counter"),
    (
        "Signals namespace",
        lambda d: str(d.Signals(count=0, namespace="form").count),
        "$form.count",
    ),
    ("Signals item", lambda d: d.Signals(counter=0)["counter"], 0),
    ("Signals to_dict", lambda d: d.Signals(a=1, b="x").to_dict(), {"a": 1, "b": "x"}),
    ("Signals nested path", lambda d: str(d.Signals(user={"a": 1}).user.name), "$user.name"),
    (
        "Signals items signal",
        lambda d: str(d.Signals(items=[]).items.push("x")),
        "$items.push('x')",
    ),
    (
        "arithmetic",
        lambda d: str((d.Signal("x") * 2 + 5) - d.Signal("y")),
        "((($x * 2) + 5) - $y)",
    ),
    ("reflected", lambda d: str(10 / d.Signal("x")), "(10 / $x)"),
    (
        "comparison",
        lambda d: str((d.Signal("a") >= 18) & (d.Signal("b") != "x")),
        "(($a >= 18) && ($b !== 'x'))",
    ),
    ("not", lambda d: str(~d.Signal("flag")), "!($flag)"),
    ("str + signal", lambda d: str("Age: " + d.Signal("age")), "`Age: ${$age}`"),
    ("set", lambda d: str(d.Signal("c").set(10)), "$c = 10"),
    ("add 1", lambda d: str(d.Signal("c").add(1)), "$c++"),
    ("sub n", lambda d: str(d.Signal("c").sub(3)), "$c = ($c - 3)"),
    (
        "mul div mod",
        lambda d: [str(d.Signal("v").mul(2)), str(d.Signal("v").div(2)), str(d.Signal("v").mod(2))],
        ["$v = ($v * 2)", "$v = ($v / 2)", "$v = ($v % 2)"],
    ),
    ("toggle", lambda d: str(d.Signal("o").toggle()), "$o = !($o)"),
    (
        "toggle values",
        lambda d: str(d.Signal("o").toggle("a", "b")),
        "$o = (($o === 'a') ? 'b' : 'a')",
    ),
    ("if_ method", lambda d: str(d.Signal("v").if_("a", "b")), "($v ? 'a' : 'b')"),
    ("then", lambda d: str(d.Signal("v").then("go()")), "if ($v) { go() }"),
    (
        "strings",
        lambda d: [str(getattr(d.Signal("t"), m)()) for m in ("upper", "lower", "strip")],
        ["$t.toUpperCase()", "$t.toLowerCase()", "$t.trim()"],
    ),
    ("contains", lambda d: str(d.Signal("t").contains("world")), "$t.includes('world')"),
    ("length", lambda d: str(d.Signal("t").length), "$t.length"),
    (
        "arrays",
        lambda d: [
            str(d.Signal("i").append("a", "b")),
            str(d.Signal("i").prepend(1)),
            str(d.Signal("i").pop()),
            str(d.Signal("i").remove(1)),
        ],
        ["$i.push('a', 'b')", "$i.unshift(1)", "$i.pop()", "$i.splice(1, 1)"],
    ),
    (
        "join slice",
        lambda d: [
            str(d.Signal("i").join()),
            str(d.Signal("i").join(", ")),
            str(d.Signal("i").slice(0, 3)),
            str(d.Signal("i").slice(2)),
        ],
        ["$i.join(',')", "$i.join(', ')", "$i.slice(0, 3)", "$i.slice(2)"],
    ),
    (
        "math",
        lambda d: [
            str(d.Signal("v").round()),
            str(d.Signal("v").round(2)),
            str(d.Signal("v").abs()),
            str(d.Signal("v").clamp(0, 100)),
        ],
        [
            "Math.round($v)",
            "(Math.round(($v * 100)) / 100)",
            "Math.abs($v)",
            "Math.min(Math.max($v, 0), 100)",
        ],
    ),
    (
        "property and index",
        lambda d: [
            str(d.Signal("u").profile.name),
            str(d.Signal("i")[0]),
            str(d.Signal("i")[d.Signal("n")]),
        ],
        ["$u.profile.name", "$i[0]", "$i[$n]"],
    ),
    ("js", lambda d: str(d.js("console.log('test')")), "console.log('test')"),
    ("js call", lambda d: str(d.js("fn")(d.Signal("a"), "b")), "fn($a, 'b')"),
    (
        "value",
        lambda d: [str(d.value(v)) for v in ([1, 2], {"a": 1}, "hello", True, None)],
        ["[1,2]", "{'a':1}", "'hello'", "true", "null"],
    ),
    ("expr", lambda d: str(d.expr("a").upper()), "'a'.toUpperCase()"),
    ("f", lambda d: str(d.f("Hello {name}!", name=d.Signal("name"))), "`Hello ${$name}!`"),
    ("f missing key", lambda d: str(d.f("{a} {b}", a=d.Signal("x"))), "`${$x} {b}`"),
    (
        "match",
        lambda d: str(d.match(d.Signal("s"), idle="Ready", default="?")),
        "(($s === 'idle') ? 'Ready' : '?')",
    ),
    (
        "switch",
        lambda d: str(d.switch([(d.Signal("c") > 10, "High")], default="Low")),
        "(($c > 10) ? 'High' : 'Low')",
    ),
    (
        "collect",
        lambda d: str(d.collect([(d.Signal("a"), "x")], join_with=",")),
        "[($a ? 'x' : '')].filter(Boolean).join(',')",
    ),
    ("collect empty", lambda d: str(d.collect([])), "''"),
    (
        "classes",
        lambda d: str(d.classes(large=d.Signal("l"), **{"font-bold": d.Signal("b")})),
        "{large: $l, 'font-bold': $b}",
    ),
    (
        "seq",
        lambda d: [str(d.seq(d.Signal("a").add(1), d.Signal("b").set(True))), str(d.seq())],
        ["($a++, $b = true)", "undefined"],
    ),
    ("all_ any_ empty", lambda d: [str(d.all_()), str(d.any_())], ["true", "false"]),
    ("all_ one", lambda d: str(d.all_(d.Signal("a"))), "!!$a"),
    (
        "post",
        lambda d: [str(a("/api/data")) for a in (d.post, d.get, d.put, d.patch, d.delete)],
        [
            "@post('/api/data')",
            "@get('/api/data')",
            "@put('/api/data')",
            "@patch('/api/data')",
            "@delete('/api/data')",
        ],
    ),
    ("clipboard el", lambda d: str(d.clipboard(element="el")), "@clipboard(el.textContent)"),
    (
        "clipboard error",
        lambda d: _error(lambda: d.clipboard()),
        "ValueError: Must provide exactly one of: text or element",
    ),
    (
        "value of an Expr",
        lambda d: _error(lambda: d.value(d.Signal("a"))),
        "TypeError: value() should not be used with Signal objects. Use the object directly "
        "instead of wrapping it with value().",
    ),
    (
        "globals",
        lambda d: [
            str(g)
            for g in (
                d.console,
                d.Math,
                d.JSON,
                d.Object,
                d.Array,
                d.Date,
                d.Number,
                d.String,
                d.Boolean,
            )
        ],
        ["console", "Math", "JSON", "Object", "Array", "Date", "Number", "String", "Boolean"],
    ),
    ("global property", lambda d: str(d.JSON.stringify(d.Signal("s"))), "JSON.stringify($s)"),
    (
        "to_js_value",
        lambda d: [d.to_js_value(v) for v in (None, True, 1.5, d.Signal("a"))],
        ["null", "true", "1.5", "$a"],
    ),
    (
        "timeouts",
        lambda d: [
            str(d.set_timeout(d.Signal("a").set(False), 2000)),
            str(d.clear_timeout(d.Signal("t"), d.Signal("o").set(0))),
            str(d.reset_timeout(d.Signal("t"), 50, d.Signal("o").set(0), window=True)),
        ],
        [
            "setTimeout(() => { $a = false }, 2000)",
            "clearTimeout($t); $o = 0",
            "clearTimeout(window._t); window._t = setTimeout(() => { $o = 0 }, 50)",
        ],
    ),
    (
        "signals",
        lambda d: d.signals(count=0, user={"name": ""}),
        {"count": 0, "user": {"name": ""}},
    ),
    ("reactive_class", lambda d: d.reactive_class(active="$isActive"), {"active": "$isActive"}),
    (
        "DS.get",
        lambda d: d.DS.get("/api/data", page=1, limit=10),
        "@get('/api/data?page=1&limit=10')",
    ),
    (
        "DS.put patch delete",
        lambda d: [d.DS.put("/a"), d.DS.patch("/a"), d.DS.delete("/a")],
        ["@put('/a')", "@patch('/a')", "@delete('/a')"],
    ),
    (
        "DS.set",
        lambda d: [d.DS.set("c", v) for v in (10, "John", True, None, [1, 2])],
        ["$c = 10", "$c = 'John'", "$c = true", "$c = null", "$c = [1,2]"],
    ),
    (
        "DS signals",
        lambda d: [
            d.DS.toggle("o"),
            d.DS.increment("c"),
            d.DS.increment("c", 5),
            d.DS.decrement("c", 3),
        ],
        ["$o = !$o", "$c += 1", "$c += 5", "$c -= 3"],
    ),
    (
        "DS arrays",
        lambda d: [
            d.DS.append("i", "x"),
            d.DS.append("i", 5),
            d.DS.remove("i", 2),
            d.DS.remove("i", value="x"),
            d.DS.remove("i"),
        ],
        [
            "$i.push('x')",
            "$i.push(5)",
            "$i.splice(2, 1)",
            "$i.splice($i.indexOf('x'), 1)",
            "$i.pop()",
        ],
    ),
    ("DS.chain", lambda d: d.DS.chain("a()", "", "b()"), "a(); b()"),
    (
        "DS.conditional",
        lambda d: [d.DS.conditional("$c", "a()", "b()"), d.DS.conditional("$c", "a()")],
        ["$c ? (a()) : (b())", "$c && (a())"],
    ),
    (
        "datastar-py objects",
        lambda d: (d.SSE, d.attribute_generator, d.ElementPatchMode, d.EventType),
        (
            datastar_py.ServerSentEventGenerator,
            datastar_py.attributes.attribute_generator,
            datastar_py.consts.ElementPatchMode,
            datastar_py.consts.EventType,
        ),
    ),
]

# (case, build(module), ours, upstream): the intended differences.
DIFFERENT: list[tuple[str, Build, object, object]] = [
    (
        "quote in a literal cannot end it",
        lambda d: str(d.Signal("c").set("it's")),
        "$c = 'it\\'s'",
        "$c = 'it's'",
    ),
    ("a str is text, never code", lambda d: d.to_js_value("$name"), "'\\u0024name'", "$name"),
    (
        "strings are single-quoted",
        lambda d: d.to_js_value({"a": "b"}),
        "{'a':'b'}",
        '{"a": "b"}',
    ),
    (
        "@ in a literal is an escape",
        lambda d: str(d.Signal("e").contains("@")),
        "$e.includes('\\u0040')",
        "$e.includes('@')",
    ),
    (
        "template text is escaped",
        lambda d: str("it's `" + d.Signal("a")),
        "`it\\u0027s \\u0060${$a}`",
        "`it's \\\\`${$a}`",
    ),
    ("f writes a str value as text", lambda d: str(d.f("{a}!", a="x")), "`x!`", '`${"x"}!`'),
    (
        "regex is new RegExp",
        lambda d: str(d.regex("^todo_")),
        "new RegExp('^todo_')",
        "/^todo_/",
    ),
    (
        "if_ is parenthesised",
        lambda d: str(d.if_(d.Signal("g") >= 90, "A", "B")),
        "(($g >= 90) ? 'A' : 'B')",
        "($g >= 90) ? 'A' : 'B'",
    ),
    (
        "all_ is parenthesised",
        lambda d: str(d.all_(d.Signal("a"), d.Signal("b"))),
        "(!!$a && !!$b)",
        "!!$a && !!$b",
    ),
    ("all_ of an empty list", lambda d: str(d.all_([])), "true", ""),
    (
        "raw code is parenthesised as an operand",
        lambda d: str(d.js("a || b") & d.Signal("c")),
        "((a || b) && $c)",
        "(a || b && $c)",
    ),
    (
        "action data is the payload option",
        lambda d: str(d.post("/u", name=d.Signal("n"))),
        "@post('/u', {payload: {name: $n}})",
        "@post('/u', {name: $n})",
    ),
    (
        "action options are options",
        lambda d: str(d.post("/u", headers={"X": "y"})),
        "@post('/u', {headers: {X: 'y'}})",
        '@post(\'/u\', {headers: {"X": "y"}})',
    ),
    (
        "DS.post data is the payload option",
        lambda d: d.DS.post("/u", data={"name": "x"}),
        "@post('/u', {payload: {name: 'x'}})",
        "@post('/u') @data({'name':'x'})",
    ),
    (
        "DS.post has no target",
        lambda d: _error(lambda: d.DS.post("/u", target="#x")),
        "TypeError: DS.post(target='#x'): Datastar 1.0 has no @target(); the response says "
        "where its elements go (an id on each, or a selector in patch_elements).",
        "@post('/u') @target('#x')",
    ),
    (
        "DS.get options",
        lambda d: d.DS.get("/a", _ds_options={"openWhenHidden": True}),
        "@get('/a', {openWhenHidden: true})",
        "@get('/a', {'openWhenHidden':true})",
    ),
    ("DS.set str is text", lambda d: d.DS.set("a", "$b"), "$a = '\\u0024b'", "$a = $b"),
    (
        "clipboard literal",
        lambda d: str(d.clipboard(text="hi")),
        "@clipboard('hi')",
        '@clipboard("hi")',
    ),
    (
        "global methods are JavaScript's",
        lambda d: _error(lambda: str(d.Math.max(1, 2))),
        "Math.max(1, 2)",
        "TypeError: Expr.max() takes 2 positional arguments but 3 were given",
    ),
    ("no __html__", lambda d: hasattr(d.Signal("a"), "__html__"), False, True),
    (
        "missing signal",
        lambda d: _error(lambda: d.Signals(a=1).b),
        "AttributeError: Signals has no signal 'b'; its signals are: a.",
        None,
    ),
    (
        "Signals str",
        lambda d: str(d.Signals(a=1, namespace="f")),
        "{'f':{'a':1}}",
        "{f: {'a': 1}}",
    ),
    (
        "signal names are checked",
        lambda d: _error(lambda: str(d.Signal("a b"))),
        "ValueError: Invalid signal name 'a b': use letters, digits and underscores, in parts "
        "joined by '.' or '-' (count, user.name, user-name).",
        "$a b",
    ),
]


def _error(call: Callable[[], object]) -> object:
    try:
        return call()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def _run(build: Build, module: ModuleType) -> object:
    return _error(lambda: build(module))


@pytest.mark.parametrize(("case", "build", "result"), SAME, ids=[c[0] for c in SAME])
def test_same_as_rusty_tags(case: str, build: Build, result: object) -> None:
    assert (_run(build, ours), _run(build, upstream)) == (result, result)


@pytest.mark.parametrize(
    ("case", "build", "result", "upstream_result"), DIFFERENT, ids=[c[0] for c in DIFFERENT]
)
def test_intended_difference(
    case: str, build: Build, result: object, upstream_result: object
) -> None:
    assert (_run(build, ours), _run(build, upstream)) == (result, upstream_result)


def test_every_upstream_name_is_here() -> None:
    assert sorted(set(upstream.__all__) - set(ours.__all__)) == []


# (case, build(datastar module, tags module), our attributes, upstream's attributes)
TAGS: list[tuple[str, Callable[[Any, Any], object], dict[str, str], dict[str, str]]] = [
    ("text=Signal", lambda d, t: t.P(text=d.Signal("n")), {"data-text": "$n"}, {"data-text": "$n"}),
    (
        "on_click=expression",
        lambda d, t: t.Button(on_click=d.Signal("c").add(1)),
        {"data-on:click": "$c++"},
        {"data-on:click": "$c++"},
    ),
    (
        "on_keys_ctrl_k",
        lambda d, t: t.Div(on_keys_ctrl_k="open()"),
        {"data-on-keys:ctrl-k": "open()"},
        {"data-on-keys:ctrl-k": "open()"},
    ),
    (
        "on_keys with modifiers",
        lambda d, t: t.Div(on_keys_enter__el__throttle_1s="go()"),
        {"data-on-keys:enter__el__throttle.1s": "go()"},
        {"data-on-keys:enter__el__throttle.1s": "go()"},
    ),
    (
        "bare on_keys",
        lambda d, t: t.Div(on_keys="log()"),
        {"data-on-keys": "log()"},
        {"data-on-keys": "log()"},
    ),
    (
        "show=False",
        lambda d, t: t.Div(show=False),
        {"data-show": "false"},
        {"data-show": "false"},
    ),
    (
        "effect=True",
        lambda d, t: t.Div(effect=True),
        {"data-effect": "true"},
        {"data-effect": "true"},
    ),
    (
        "bind=Signal",
        lambda d, t: t.Input(bind=d.Signal("name")),
        {"data-bind": "name"},
        {"data-bind": "name"},
    ),
    # Intended differences.
    (
        "ref=Signal writes the name",
        lambda d, t: t.Div(ref=d.Signal("box")),
        {"data-ref": "box"},
        {"data-ref": "$box"},
    ),
    (
        "data_show=False is a literal too",
        lambda d, t: t.Div(data_show=False),
        {"data-show": "false"},
        {},
    ),
    (
        "ignore=False leaves data-ignore out",
        lambda d, t: t.Div(ignore=False),
        {},
        {"data-ignore": "false"},
    ),
    (
        "signals=Signals honours the namespace",
        lambda d, t: t.Div(signals=d.Signals(count=0, namespace="form")),
        {"data-signals": '{"form":{"count":0}}'},
        {"data-signals": "{'count':0}"},
    ),
    (
        "signals=Signal writes its value",
        lambda d, t: t.Div(signals=d.Signal("c", 0)),
        {"data-signals": '{"c":0}'},
        {"data-signals": "{'value':'$c'}"},
    ),
    (
        "keyed signal value is data",
        lambda d, t: t.Div(data_signals_count="0"),
        {"data-signals:count": '"0"'},
        {"data-signals:count": "0"},
    ),
]


@pytest.mark.parametrize(
    ("case", "build", "result", "upstream_result"), TAGS, ids=[c[0] for c in TAGS]
)
def test_tag_attribute(
    case: str,
    build: Callable[[Any, Any], object],
    result: dict[str, str],
    upstream_result: dict[str, str],
) -> None:
    assert (attributes(build(ours, html)), attributes(build(upstream, rusty_tags))) == (
        result,
        upstream_result,
    )


def test_signals_list_works_here_and_fails_upstream() -> None:
    signals = [ours.Signal("c", 0), ours.Signal("d", "x")]
    assert attributes(html.Div(signals=signals)) == {"data-signals": '{"c":0,"d":"x"}'}
    with pytest.raises(ValueError):
        rusty_tags.Div(signals=[upstream.Signal("c", 0)])  # type: ignore[call-overload]
