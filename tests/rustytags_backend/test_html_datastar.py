"""rustytags_backend.html.datastar: expressions, signals and helpers (actions: *_actions.py)."""

from __future__ import annotations

import copy
import doctest
import pickle

import datastar_py
import pytest
from datastar_py import attributes as datastar_attributes
from datastar_py import consts
from django.test import SimpleTestCase

import rustytags_backend.html.datastar
from rustytags_backend.html import Div, P
from rustytags_backend.html.datastar import (
    JSON,
    SSE,
    Array,
    Boolean,
    Date,
    ElementPatchMode,
    EventType,
    Expr,
    Math,
    Number,
    Object,
    Signal,
    Signals,
    String,
    all_,
    any_,
    attribute_generator,
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
    reactive_class,
    regex,
    reset_timeout,
    seq,
    set_timeout,
    signals,
    switch,
    to_js_value,
    value,
)

COUNT = Signal("count", 0)
NAME = Signal("name", "")


class ExprTests(SimpleTestCase):
    def test_str_is_the_source(self):
        assert str(COUNT + 1) == "($count + 1)"

    def test_repr_names_the_node(self):
        assert repr(COUNT + 1) == "<BinaryOp ($count + 1)>"

    def test_in_looks_at_the_source(self):
        assert ("$count" in COUNT + 1, "$name" in COUNT + 1) == (True, False)

    def test_attribute_is_property_access(self):
        assert str(Signal("user").profile.avatar) == "$user.profile.avatar"

    def test_calling_a_property_calls_the_method(self):
        assert str(Signal("items").push("x", COUNT)) == "$items.push('x', $count)"

    def test_length(self):
        assert str(NAME.length) == "$name.length"

    def test_index_is_a_literal(self):
        assert (str(Signal("items")[0]), str(Signal("user")["it's"])) == (
            "$items[0]",
            "$user['it\\'s']",
        )

    def test_index_can_be_an_expression(self):
        assert str(Signal("items")[COUNT]) == "$items[$count]"

    def test_underscore_names_are_not_property_access(self):
        with pytest.raises(AttributeError) as excinfo:
            _ = COUNT._private
        assert str(excinfo.value) == (
            "'Signal' object has no attribute '_private'; names starting with '_' are not "
            "JavaScript properties here: write expr['_private'] for one."
        )

    def test_no_html_is_fabricated(self):
        assert (hasattr(COUNT, "__html__"), hasattr(COUNT + 1, "__html__")) == (False, False)

    def test_property_name_must_be_an_identifier(self):
        with pytest.raises(AttributeError) as excinfo:
            getattr(COUNT, "a-b")
        assert (
            str(excinfo.value)
            == "'a-b' is not a JavaScript property name; write expr['a-b'] for it."
        )

    def test_iteration_is_refused(self):
        with pytest.raises(TypeError):
            iter(COUNT)

    def test_copy_and_pickle(self):
        expression = COUNT.add(5)
        assert (str(copy.deepcopy(expression)), str(pickle.loads(pickle.dumps(expression)))) == (
            "$count = ($count + 5)",
            "$count = ($count + 5)",
        )

    def test_expression_child_renders_as_escaped_text(self):
        assert P(COUNT < 1, " ", COUNT.add(1)) == "<p>($count &lt; 1) $count++</p>"

    def test_expression_attribute_is_escaped(self):
        assert Div(show=NAME == "<b>") == '<div data-show="($name === &#39;&lt;b&gt;&#39;)"></div>'


class OperatorTests(SimpleTestCase):
    def test_comparisons(self):
        assert [str(op) for op in (COUNT == 1, COUNT != 1, COUNT < 1, COUNT <= 1)] == [
            "($count === 1)",
            "($count !== 1)",
            "($count < 1)",
            "($count <= 1)",
        ]

    def test_more_comparisons(self):
        assert [str(op) for op in (COUNT > 1, COUNT >= 1, COUNT.eq(1), COUNT.neq(1))] == [
            "($count > 1)",
            "($count >= 1)",
            "($count === 1)",
            "($count !== 1)",
        ]

    def test_logic(self):
        assert [str(op) for op in (COUNT & NAME, COUNT | NAME, ~COUNT)] == [
            "($count && $name)",
            "($count || $name)",
            "!($count)",
        ]

    def test_logic_methods(self):
        assert (str(COUNT.and_(NAME)), str(COUNT.or_(NAME))) == (
            "($count && $name)",
            "($count || $name)",
        )

    def test_arithmetic(self):
        assert [str(op) for op in (COUNT + 1, COUNT - 1, COUNT * 2, COUNT / 2, COUNT % 2)] == [
            "($count + 1)",
            "($count - 1)",
            "($count * 2)",
            "($count / 2)",
            "($count % 2)",
        ]

    def test_reflected_arithmetic(self):
        assert [str(op) for op in (1 + COUNT, 1 - COUNT, 2 * COUNT, 2 / COUNT, 2 % COUNT)] == [
            "(1 + $count)",
            "(1 - $count)",
            "(2 * $count)",
            "(2 / $count)",
            "(2 % $count)",
        ]

    def test_adding_a_str_builds_a_template_literal(self):
        assert (str("Total: " + COUNT), str(COUNT + " items")) == (
            "`Total: ${$count}`",
            "`${$count} items`",
        )

    def test_template_literal_grows_on_both_sides(self):
        assert str("<" + ("a" + COUNT + "b") + ">") == "`<a${$count}b>`"

    def test_template_text_is_escaped(self):
        assert str("it's `${x}` \\ @" + COUNT) == (
            "`it\\u0027s \\u0060\\u0024{x}\\u0060 \\u005c \\u0040${$count}`"
        )

    def test_adding_to_raw_code_builds_a_template_literal(self):
        assert (str(js("a") + 1), str(1 + js("a")), str(js("a") + "px")) == (
            "`${a}${1}`",
            "`${1}${a}`",
            "`${a}px`",
        )

    def test_raw_code_is_parenthesised_as_an_operand(self):
        assert (str(js("a || b") & COUNT), str(js("a.b") & COUNT)) == (
            "((a || b) && $count)",
            "(a.b && $count)",
        )

    def test_assignment_is_parenthesised_as_an_operand(self):
        assert str(COUNT.set(1) & NAME) == "(($count = 1) && $name)"

    def test_number_is_parenthesised_before_a_property(self):
        assert (str(value(5).toFixed(2)), str(value("ab").length)) == (
            "(5).toFixed(2)",
            "'ab'.length",
        )

    def test_negation_is_parenthesised_before_a_property(self):
        assert str((~COUNT).toString()) == "(!($count)).toString()"

    def test_raw_code_is_parenthesised_before_a_property(self):
        assert str(js("a + b").length) == "(a + b).length"


class MethodTests(SimpleTestCase):
    def test_set(self):
        assert (str(COUNT.set(5)), str(NAME.set("it's")), str(COUNT.set(NAME))) == (
            "$count = 5",
            "$name = 'it\\'s'",
            "$count = $name",
        )

    def test_add_and_sub(self):
        assert [str(COUNT.add(1)), str(COUNT.add(2)), str(COUNT.sub(1)), str(COUNT.sub(2))] == [
            "$count++",
            "$count = ($count + 2)",
            "$count--",
            "$count = ($count - 2)",
        ]

    def test_add_true_is_not_an_increment(self):
        assert str(COUNT.add(True)) == "$count = ($count + true)"

    def test_mul_div_mod(self):
        assert [str(COUNT.mul(2)), str(COUNT.div(2)), str(COUNT.mod(2))] == [
            "$count = ($count * 2)",
            "$count = ($count / 2)",
            "$count = ($count % 2)",
        ]

    def test_toggle(self):
        assert str(COUNT.toggle()) == "$count = !($count)"

    def test_toggle_through_values(self):
        assert str(NAME.toggle("a", "b")) == "$name = (($name === 'a') ? 'b' : 'a')"

    def test_if(self):
        assert (str(COUNT.if_("on")), str(COUNT.if_("on", "off"))) == (
            "($count ? 'on' : '')",
            "($count ? 'on' : 'off')",
        )

    def test_then_takes_code_or_an_expression(self):
        assert (str(COUNT.then("go()")), str(COUNT.then(NAME.set("")))) == (
            "if ($count) { go() }",
            "if ($count) { $name = '' }",
        )

    def test_strings(self):
        assert [
            str(NAME.lower()),
            str(NAME.upper()),
            str(NAME.strip()),
            str(NAME.contains("@")),
        ] == [
            "$name.toLowerCase()",
            "$name.toUpperCase()",
            "$name.trim()",
            "$name.includes('\\u0040')",
        ]

    def test_numbers(self):
        assert [str(COUNT.round()), str(COUNT.round(2)), str(COUNT.abs())] == [
            "Math.round($count)",
            "(Math.round(($count * 100)) / 100)",
            "Math.abs($count)",
        ]

    def test_limits(self):
        assert [str(COUNT.min(9)), str(COUNT.max(0)), str(COUNT.clamp(0, 9))] == [
            "Math.min($count, 9)",
            "Math.max($count, 0)",
            "Math.min(Math.max($count, 0), 9)",
        ]

    def test_arrays(self):
        items = Signal("items")
        assert [str(items.append("a", 1)), str(items.prepend(0)), str(items.pop())] == [
            "$items.push('a', 1)",
            "$items.unshift(0)",
            "$items.pop()",
        ]

    def test_more_arrays(self):
        items = Signal("items")
        assert [str(items.remove(COUNT)), str(items.join()), str(items.join(" | "))] == [
            "$items.splice($count, 1)",
            "$items.join(',')",
            "$items.join(' | ')",
        ]

    def test_slice(self):
        items = Signal("items")
        assert [str(items.slice()), str(items.slice(1)), str(items.slice(1, 3))] == [
            "$items.slice()",
            "$items.slice(1)",
            "$items.slice(1, 3)",
        ]


class LiteralTests(SimpleTestCase):
    def test_value(self):
        assert [str(value(v)) for v in (None, True, 1.5, "hi", [1, "a"], {"a": None})] == [
            "null",
            "true",
            "1.5",
            "'hi'",
            "[1,'a']",
            "{'a':null}",
        ]

    def test_value_with_expressions_inside(self):
        assert (
            str(value({"name": NAME, "tags": [COUNT, "x"]})) == "{'name':$name,'tags':[$count,'x']}"
        )

    def test_value_methods_chain(self):
        assert str(value([3, 1]).join("-")) == "[3,1].join('-')"

    def test_value_of_an_expression_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            value(COUNT)
        assert str(excinfo.value) == (
            "value() should not be used with Signal objects. Use the object directly instead "
            "of wrapping it with value()."
        )

    def test_expr_is_value(self):
        assert str(expr("a").upper()) == "'a'.toUpperCase()"

    def test_expr_of_an_expression_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            expr(COUNT + 1)
        assert str(excinfo.value) == (
            "expr() expects a Python value, not BinaryOp. Use the Expr object directly "
            "without wrapping."
        )

    def test_value_that_is_not_json_is_refused_when_built(self):
        with pytest.raises(TypeError) as excinfo:
            COUNT.set({1, 2})
        assert str(excinfo.value) == (
            "Cannot write {1, 2} into a Datastar expression: Object of type set is not JSON "
            "serializable. Pass JSON data (str, int, float, bool, None, list, dict; dates, "
            "decimals and UUIDs are also accepted), or str() it first if you mean its text."
        )

    def test_object_keys_must_be_strings(self):
        with pytest.raises(TypeError) as excinfo:
            value({1: "a"})
        assert str(excinfo.value) == "JavaScript object keys must be strings, got 1."

    def test_to_js_value_writes_strings_as_literals(self):
        assert [to_js_value(v) for v in ("$name", NAME, {"a": COUNT}, None)] == [
            "'\\u0024name'",
            "$name",
            "{'a':$count}",
            "null",
        ]


class TemplateTests(SimpleTestCase):
    def test_f_interpolates_expressions(self):
        assert str(f("Hi {first} {last}!", first=NAME, last=COUNT + 1)) == (
            "`Hi ${$name} ${($count + 1)}!`"
        )

    def test_f_writes_strings_as_text(self):
        assert str(f("{a}-{b}", a="it's", b=2)) == "`it\\u0027s-${2}`"

    def test_f_leaves_other_braces_as_text(self):
        assert str(f("{a} {b} {0}", a=NAME)) == "`${$name} {b} {0}`"

    def test_f_escapes_its_text(self):
        assert str(f("`${x}` {a}", a=NAME)) == "`\\u0060\\u0024{x}\\u0060 ${$name}`"

    def test_f_with_none(self):
        assert str(f("{a}", a=None)) == "`${null}`"


class HelperTests(SimpleTestCase):
    def test_js_is_code(self):
        assert str(js("console.log('x')")) == "console.log('x')"

    def test_js_called_takes_literal_arguments(self):
        assert str(js("confirm")("Sure?", NAME)) == "confirm('Sure?', $name)"

    def test_js_takes_a_str(self):
        with pytest.raises(TypeError) as excinfo:
            js(5)  # type: ignore[arg-type]
        assert str(excinfo.value) == "js() takes JavaScript source as a str, got 5."

    def test_regex(self):
        assert str(regex("^todo_/'")) == "new RegExp('^todo_/\\'')"

    def test_match(self):
        assert str(match(NAME, idle="Ready", busy="Wait", default="?")) == (
            "(($name === 'idle') ? 'Ready' : (($name === 'busy') ? 'Wait' : '?'))"
        )

    def test_match_without_default(self):
        assert str(match(NAME, a=1)) == "(($name === 'a') ? 1 : '')"

    def test_switch(self):
        assert str(switch([(COUNT > 9, "big"), (COUNT > 0, "some")], default="none")) == (
            "(($count > 9) ? 'big' : (($count > 0) ? 'some' : 'none'))"
        )

    def test_collect(self):
        assert str(collect([(COUNT, "a"), (NAME, "b")], join_with=", ")) == (
            "[($count ? 'a' : ''), ($name ? 'b' : '')].filter(Boolean).join(', ')"
        )

    def test_collect_of_nothing(self):
        assert str(collect([])) == "''"

    def test_classes(self):
        assert str(classes(active=COUNT, **{"font-bold": NAME, "$x": True})) == (
            "{active: $count, 'font-bold': $name, '\\u0024x': true}"
        )

    def test_classes_of_nothing(self):
        assert str(classes()) == "{}"

    def test_seq(self):
        assert (str(seq(COUNT.add(1), NAME.set(""))), str(seq())) == (
            "($count++, $name = '')",
            "undefined",
        )

    def test_if(self):
        assert str(if_(COUNT >= 90, "A", "B")) == "(($count >= 90) ? 'A' : 'B')"

    def test_if_combines_with_the_right_precedence(self):
        name = Signal("name")
        assert str(name == if_(COUNT, "a", "b")) == "($name === ($count ? 'a' : 'b'))"

    def test_all_and_any(self):
        assert (str(all_(COUNT, NAME)), str(any_(COUNT, NAME))) == (
            "(!!$count && !!$name)",
            "(!!$count || !!$name)",
        )

    def test_all_and_any_take_an_iterable(self):
        assert (str(all_([COUNT, NAME])), str(any_(s for s in (COUNT,)))) == (
            "(!!$count && !!$name)",
            "!!$count",
        )

    def test_all_and_any_of_nothing(self):
        assert (str(all_()), str(any_()), str(all_([])), str(any_([]))) == (
            "true",
            "false",
            "true",
            "false",
        )

    def test_all_combines_with_the_right_precedence(self):
        assert str(any_(COUNT, NAME) & js("ok")) == "((!!$count || !!$name) && ok)"

    def test_all_of_a_negation_and_an_assignment(self):
        assert (str(all_(~COUNT)), str(all_(COUNT.set(1)))) == ("!!!($count)", "!!($count = 1)")

    def test_all_of_literals(self):
        assert str(all_(True, 0)) == "(!!true && !!0)"

    def test_clipboard_text(self):
        assert (str(clipboard(text="it's")), str(clipboard(text=NAME, signal=COUNT))) == (
            "@clipboard('it\\'s')",
            "@clipboard($name, 'count')",
        )

    def test_clipboard_element(self):
        assert [str(clipboard(element=e)) for e in ("el", "#code", ".out", "code")] == [
            "@clipboard(el.textContent)",
            "@clipboard(document.querySelector('#code').textContent)",
            "@clipboard(document.querySelector('.out').textContent)",
            "@clipboard(document.getElementById('code').textContent)",
        ]

    def test_clipboard_needs_text_or_element(self):
        with pytest.raises(ValueError) as excinfo:
            clipboard()
        assert str(excinfo.value) == "Must provide exactly one of: text or element"

    def test_set_timeout(self):
        assert (
            str(set_timeout(COUNT.set(0), 500)),
            str(set_timeout([COUNT.set(0), NAME.set("")], 500, store="timer", window=True)),
        ) == (
            "setTimeout(() => { $count = 0 }, 500)",
            "window._timer = setTimeout(() => { $count = 0; $name = '' }, 500)",
        )

    def test_clear_timeout(self):
        assert (str(clear_timeout("t")), str(clear_timeout(Signal("t"), COUNT.set(0)))) == (
            "clearTimeout($t)",
            "clearTimeout($t); $count = 0",
        )

    def test_reset_timeout(self):
        assert str(reset_timeout("t", 300, COUNT.set(0))) == (
            "clearTimeout($t); $t = setTimeout(() => { $count = 0 }, 300)"
        )

    def test_timer_name_is_checked(self):
        with pytest.raises(ValueError):
            clear_timeout("t); alert(1")

    def test_globals(self):
        assert [
            str(g) for g in (console, Math, JSON, Object, Array, Date, Number, String, Boolean)
        ] == [
            "console",
            "Math",
            "JSON",
            "Object",
            "Array",
            "Date",
            "Number",
            "String",
            "Boolean",
        ]

    def test_global_properties_are_javascript_properties(self):
        assert [str(Math.max(1, COUNT)), str(Math.round(COUNT)), str(JSON.stringify(NAME))] == [
            "Math.max(1, $count)",
            "Math.round($count)",
            "JSON.stringify($name)",
        ]

    def test_global_in_an_expression(self):
        assert str(Date.now() - COUNT) == "(Date.now() - $count)"

    def test_signals_and_reactive_class_are_dicts(self):
        assert (signals(a=1), reactive_class(on="$x")) == ({"a": 1}, {"on": "$x"})


class SignalTests(SimpleTestCase):
    def test_str_is_the_reference(self):
        assert (str(COUNT), COUNT.to_js(), COUNT.id) == ("$count", "$count", "count")

    def test_namespace(self):
        signal = Signal("email", "", namespace="form")
        assert (str(signal), signal.id, signal.to_dict()) == (
            "$form.email",
            "form.email",
            {"form.email": ""},
        )

    def test_repr(self):
        assert (repr(COUNT), repr(Signal("e", None, namespace="f"))) == (
            "Signal('count', 0)",
            "Signal('e', None, namespace='f')",
        )

    def test_kebab_and_nested_names(self):
        assert (str(Signal("user-name")), str(Signal("user.name")), str(Signal("_local"))) == (
            "$user-name",
            "$user.name",
            "$_local",
        )

    def test_invalid_name_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Signal("a; alert(1)")
        assert str(excinfo.value) == (
            "Invalid signal name 'a; alert(1)': use letters, digits and underscores, in parts "
            "joined by '.' or '-' (count, user.name, user-name)."
        )

    def test_empty_namespace_is_none(self):
        assert (str(Signal("a", namespace="")), str(Signals(a=1, namespace="").a)) == ("$a", "$a")

    def test_invalid_namespace_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Signal("a", namespace="x y")
        assert str(excinfo.value) == (
            "Invalid signal namespace 'x y': use letters, digits and underscores, in parts "
            "joined by '.' or '-' (count, user.name, user-name)."
        )

    def test_type_is_inferred(self):
        assert [Signal("s", v).type_ for v in (None, True, 1, 1.5, "a", (1,), [1], {"k": 1})] == [
            str,
            bool,
            int,
            float,
            str,
            list,
            list,
            dict,
        ]

    def test_type_can_be_given(self):
        assert Signal("s", None, type_=int).type_ is int

    def test_hash_and_sameness_follow_name_and_namespace(self):
        assert (
            hash(Signal("a", 1)) == hash(Signal("a", 2)),
            Signal("a").is_same_as(Signal("a", 5)),
            Signal("a").is_same_as(Signal("a", namespace="n")),
            Signal("a").is_same_as("a"),
        ) == (True, True, False, False)

    def test_equality_builds_an_expression(self):
        assert str(COUNT == NAME) == "($count === $name)"

    def test_computed_signal(self):
        total = Signal("total", COUNT * 2)
        attr = total.get_computed_attr()
        assert (total.to_dict(), attr and (attr[0], str(attr[1]))) == (
            {},
            ("data_computed_total", "($count * 2)"),
        )

    def test_plain_signal_has_no_computed_attr(self):
        assert COUNT.get_computed_attr() is None


class SignalsTests(SimpleTestCase):
    def test_attributes_are_signals(self):
        form = Signals(name="", count=0)
        assert (type(form.count), str(form.count), form.count.to_dict()) == (
            Signal,
            "$count",
            {"count": 0},
        )

    def test_items_are_values(self):
        form = Signals(name="x", count=0)
        assert (form["name"], "count" in form, form.to_dict()) == (
            "x",
            True,
            {"name": "x", "count": 0},
        )

    def test_namespace_applies_to_every_signal(self):
        form = Signals(count=0, namespace="form")
        assert (str(form.count), form.to_dict()) == ("$form.count", {"count": 0})

    def test_a_signal_name_wins_over_a_dict_method(self):
        assert str(Signals(items=[]).items) == "$items"

    def test_to_dict_stays_a_method(self):
        assert Signals(to_dict=1).to_dict() == {"to_dict": 1}

    def test_missing_signal_is_an_attribute_error(self):
        with pytest.raises(AttributeError) as excinfo:
            _ = Signals(a=1, b=2).c
        assert str(excinfo.value) == "Signals has no signal 'c'; its signals are: a, b."

    def test_missing_signal_of_empty_signals(self):
        with pytest.raises(AttributeError) as excinfo:
            _ = Signals().c
        assert str(excinfo.value) == "Signals has no signal 'c'; its signals are: (none)."

    def test_setting_an_attribute_sets_the_value(self):
        form = Signals(count=0)
        form.count = 5
        assert (form["count"], str(form.count.set(1))) == (5, "$count = 1")

    def test_private_attributes_stay_attributes(self):
        form = Signals(count=0)
        form._note = "x"
        assert (form._note, dict(form)) == ("x", {"count": 0})

    def test_invalid_name_is_refused(self):
        with pytest.raises(ValueError):
            Signals(**{"a b": 1})  # type: ignore[arg-type]

    def test_invalid_name_set_as_an_attribute_is_refused(self):
        with pytest.raises(ValueError):
            setattr(Signals(), "a-", 1)

    def test_str_is_the_data_signals_object(self):
        assert (str(Signals(a=1, b="it's")), str(Signals(a=1, namespace="f"))) == (
            "{'a':1,'b':'it\\'s'}",
            "{'f':{'a':1}}",
        )

    def test_repr(self):
        assert (repr(Signals(a=1)), repr(Signals(a=1, namespace="f"))) == (
            "Signals(**{'a': 1})",
            "Signals(**{'a': 1}, namespace='f')",
        )


class ReexportTests(SimpleTestCase):
    def test_datastar_py_objects_are_reexported(self):
        assert (SSE, attribute_generator, ElementPatchMode, EventType) == (
            datastar_py.ServerSentEventGenerator,
            datastar_attributes.attribute_generator,
            consts.ElementPatchMode,
            consts.EventType,
        )

    def test_sse_takes_our_tags(self):
        assert SSE.patch_elements(Div("<x>", id="a"), mode=ElementPatchMode.INNER) == (
            "event: datastar-patch-elements\ndata: mode inner\n"
            'data: elements <div id="a">&lt;x&gt;</div>\n\n'
        )

    def test_expression_is_an_expr(self):
        assert (isinstance(COUNT, Expr), isinstance(js("x"), Expr)) == (True, True)

    def test_module_examples_run(self):
        result = doctest.testmod(rustytags_backend.html.datastar)
        assert (result.failed, result.attempted > 0) == (0, True)
