"""Attributes of rustytags_backend.html elements: names, values, order, Datastar shortcuts."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from decimal import Decimal
from unittest import mock

import pytest
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from rustytags_backend import _attributes
from rustytags_backend.html import A, Button, Div, Input, Label, Svg
from rustytags_backend.html.datastar import Signal, Signals, js


class AttributeValueTests(SimpleTestCase):
    def test_value_is_escaped(self):
        assert Div(title="<b>\"Tom\" & 'Jerry'</b>") == (
            '<div title="&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;"></div>'
        )

    def test_safe_string_value_is_escaped_too(self):
        assert Div(title=mark_safe('say "hi" &amp; go')) == (
            '<div title="say &#34;hi&#34; &amp;amp; go"></div>'
        )

    def test_empty_string_value_is_written(self):
        assert Input(value="") == '<input value="">'

    def test_true_writes_a_bare_attribute(self):
        assert Input(disabled=True) == "<input disabled>"

    def test_false_leaves_the_attribute_out(self):
        assert Input(disabled=False) == "<input>"

    def test_none_leaves_the_attribute_out(self):
        assert Div("x", id=None) == "<div>x</div>"

    def test_aria_true_is_written_out(self):
        assert Div(aria_hidden=True) == '<div aria-hidden="true"></div>'

    def test_aria_false_is_written_out(self):
        assert Button(aria_expanded=False) == '<button aria-expanded="false"></button>'

    def test_int_renders_as_python_str(self):
        assert Input(value=10**20) == '<input value="100000000000000000000">'

    def test_float_renders_as_python_str(self):
        assert Input(value=1e20) == '<input value="1e+20">'

    def test_decimal_keeps_its_digits(self):
        assert Input(value=Decimal("1.10")) == '<input value="1.10">'

    def test_date_renders_as_str(self):
        assert Input(value=datetime.date(2026, 11, 24)) == '<input value="2026-11-24">'

    def test_lazy_translation_renders_and_is_escaped(self):
        assert Div(title=gettext_lazy("<Hi>")) == '<div title="&lt;Hi&gt;"></div>'

    def test_dict_value_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(style={"color": "red"})
        assert str(excinfo.value) == (
            "Attribute 'style' cannot take a dict ({'color': 'red'}); pass a string, or use a "
            "Datastar attribute (attrs=, cls=, signals=) for objects."
        )

    def test_list_value_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(title=["a", "b"])
        assert str(excinfo.value) == (
            "Attribute 'title' cannot take list ['a', 'b']; pass a string (decode bytes, join "
            "lists)."
        )

    def test_bytes_value_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(title=b"x")
        assert str(excinfo.value) == (
            "Attribute 'title' cannot take bytes b'x'; pass a string (decode bytes, join lists)."
        )


class AttributeOrderTests(SimpleTestCase):
    def test_attributes_come_out_in_call_order(self):
        assert A("x", href="/", id="a", cls="b", title="c") == (
            '<a href="/" id="a" class="b" title="c">x</a>'
        )

    def test_other_call_order_gives_other_output(self):
        assert A("x", title="c", cls="b", id="a", href="/") == (
            '<a title="c" class="b" id="a" href="/">x</a>'
        )

    def test_order_is_the_same_on_every_call(self):
        outputs = {Div(signals={"a": 1}, text="$a", id="x", cls="y") for _ in range(200)}
        assert outputs == {
            '<div data-signals="{&#34;a&#34;:1}" data-text="$a" id="x" class="y"></div>'
        }

    def test_attributes_keep_order_around_non_str_values(self):
        assert Input(type="checkbox", checked=True, value=3, name="n") == (
            '<input type="checkbox" checked value="3" name="n">'
        )


class AttributeNameTests(SimpleTestCase):
    def test_class_aliases(self):
        rendered = {
            Div(cls="c"),
            Div(class_="c"),
            Div(_class="c"),
            Div(klass="c"),
            Div(htmlClass="c"),
            Div(**{"class": "c"}),
        }
        assert rendered == {'<div class="c"></div>'}

    def test_for_aliases(self):
        rendered = {Label(_for="f"), Label(for_="f"), Label(fr="f"), Label(htmlFor="f")}
        assert rendered == {'<label for="f"></label>'}

    def test_type_alias(self):
        assert Input(type_="text") == '<input type="text">'

    def test_underscores_become_dashes(self):
        assert Div(hx_get="/x", aria_label="l", data_foo_bar="1") == (
            '<div hx-get="/x" aria-label="l" data-foo-bar="1"></div>'
        )

    def test_one_leading_underscore_is_dropped(self):
        assert Div(_x_data="{}") == '<div x-data="{}"></div>'

    def test_camel_case_name_is_kept(self):
        assert Svg(viewBox="0 0 1 1") == '<svg viewBox="0 0 1 1"></svg>'

    def test_special_characters_pass_through_verbatim(self):
        assert Div(**{"@click": "go()", ":class": "c", "x-on:click.prevent": "p"}) == (
            '<div @click="go()" :class="c" x-on:click.prevent="p"></div>'
        )

    def test_verbatim_datastar_name_is_written_as_given(self):
        assert Div(**{"data-signals": "{a: 1}"}) == '<div data-signals="{a: 1}"></div>'

    def test_duplicate_after_mapping_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Div(cls="a", _class="b")
        assert str(excinfo.value) == (
            "Duplicate attribute 'class': 'cls' and '_class' both map to it; pass only one of them."
        )

    def test_duplicate_of_verbatim_name_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Div(klass="a", **{"class": "b"})
        assert str(excinfo.value) == (
            "Duplicate attribute 'class': 'klass' and 'class' both map to it; pass only one of "
            "them."
        )

    def test_spelling_stays_usable_after_a_duplicate_was_refused(self):
        with pytest.raises(ValueError):
            Div(fr="a", htmlFor="b")
        assert (Div(fr="a", id="b"), Div(htmlFor="a", id="b")) == (
            '<div for="a" id="b"></div>',
            '<div for="a" id="b"></div>',
        )

    def test_duplicate_is_refused_on_every_call(self):
        for _ in range(3):
            with pytest.raises(ValueError):
                Div(_id="a", id="b")


class AttributeNameCacheTests(SimpleTestCase):
    def test_names_past_the_cap_are_mapped_but_not_cached(self):
        with mock.patch.object(_attributes, "_MAX_NAMES", len(_attributes._NAMES)):
            assert Div(data_uncached_name="v") == '<div data-uncached-name="v"></div>'
        assert "data_uncached_name" not in _attributes._NAMES


class InvalidAttributeNameTests(SimpleTestCase):
    def assert_refused(self, name: str, render: Callable[[str], object] | None = None) -> None:
        with pytest.raises(ValueError) as excinfo:
            render(name) if render else Div(**{name: "x"})
        assert str(excinfo.value) == (
            f"Invalid attribute name {name!r}: it must not be empty or contain whitespace, "
            "control characters, quotes, '<', '>', '/' or '='."
        )

    def test_space_is_refused(self):
        self.assert_refused("on click")

    def test_tab_and_newline_are_refused(self):
        self.assert_refused("a\tb")
        self.assert_refused("a\nb")

    def test_double_quote_is_refused(self):
        self.assert_refused('a"b')

    def test_single_quote_is_refused(self):
        self.assert_refused("a'b")

    def test_greater_than_is_refused(self):
        self.assert_refused("a>b")

    def test_less_than_is_refused(self):
        self.assert_refused("a<b")

    def test_slash_is_refused(self):
        self.assert_refused("a/b")

    def test_equals_is_refused(self):
        self.assert_refused("onmouseover=alert(1) x")

    def test_control_character_is_refused(self):
        self.assert_refused("a\x00b")

    def test_empty_name_is_refused(self):
        self.assert_refused("")

    def test_bare_underscore_keyword_is_refused(self):
        self.assert_refused("", lambda _: Div(_="x"))

    def test_bad_name_in_dict_child_is_refused(self):
        self.assert_refused('x" onload="alert(1)', lambda name: Div({name: "y"}))


class DatastarSignalsTests(SimpleTestCase):
    def test_signals_dict_is_json_then_escaped(self):
        assert Div(signals={"count": 0, "name": 'O\'Brien "x" </div>'}) == (
            '<div data-signals="{&#34;count&#34;:0,&#34;name&#34;:&#34;O&#39;Brien '
            '\\&#34;x\\&#34; &lt;/div&gt;&#34;}"></div>'
        )

    def test_signals_take_dates_decimals_and_uuids(self):
        value = {
            "when": datetime.date(2026, 1, 2),
            "price": Decimal("1.10"),
            "id": uuid.UUID(int=1),
        }
        assert Div(signals=value) == (
            '<div data-signals="{&#34;when&#34;:&#34;2026-01-02&#34;,&#34;price&#34;:'
            '&#34;1.10&#34;,&#34;id&#34;:&#34;00000000-0000-0000-0000-000000000001&#34;}">'
            "</div>"
        )

    def test_keyed_signal_value_is_json(self):
        assert Div(signals_name="Bob", signals_count=0) == (
            '<div data-signals:name="&#34;Bob&#34;" data-signals:count="0"></div>'
        )

    def test_data_prefixed_keyed_signal_takes_nested_data(self):
        assert Div(data_signals_user={"a": [1, None, True]}) == (
            '<div data-signals:user="{&#34;a&#34;:[1,null,true]}"></div>'
        )

    def test_signals_modifier(self):
        assert Div(signals__ifmissing={"a": 1}) == (
            '<div data-signals__ifmissing="{&#34;a&#34;:1}"></div>'
        )

    def test_signals_string_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(signals="{a: 1}")
        assert str(excinfo.value) == (
            "signals= takes a dict of signal values, got '{a: 1}'; to write a raw expression, "
            "pass **{'data-signals': '...'}."
        )

    def test_signals_value_that_is_not_json_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(signals={"a": {1, 2}})
        assert str(excinfo.value) == (
            "Cannot write attribute 'data-signals': Object of type set is not JSON "
            "serializable. Datastar values must be JSON data (str, int, float, bool, None, "
            "list, dict; dates, decimals and UUIDs are also accepted)."
        )


class DatastarAttributeTests(SimpleTestCase):
    def test_plugin_keywords(self):
        assert Div(text="$a", show="$b", effect="c()", computed="d", init="e()") == (
            '<div data-text="$a" data-show="$b" data-effect="c()" data-computed="d" '
            'data-init="e()"></div>'
        )

    def test_flag_plugins_are_bare(self):
        assert Div(ignore=True, ignore_morph=True, json_signals=True, persist=True) == (
            "<div data-ignore data-ignore-morph data-json-signals data-persist></div>"
        )

    def test_bind_drops_a_leading_dollar(self):
        assert (Input(bind="$name"), Input(bind="name")) == (
            '<input data-bind="name">',
            '<input data-bind="name">',
        )

    def test_ref_and_indicator_take_signal_names(self):
        assert Div(ref="$el", indicator="busy") == '<div data-ref="el" data-indicator="busy"></div>'

    def test_on_event_uses_the_colon_syntax(self):
        assert Button(on_click="$count++") == '<button data-on:click="$count++"></button>'

    def test_on_event_with_dashes(self):
        assert Div(on_my_event="x") == '<div data-on:my-event="x"></div>'

    def test_modifiers_and_arguments(self):
        assert Input(on_input__debounce_500ms_leading="x") == (
            '<input data-on:input__debounce.500ms.leading="x">'
        )

    def test_several_modifiers(self):
        assert Div(on_keydown__window__prevent="x") == (
            '<div data-on:keydown__window__prevent="x"></div>'
        )

    def test_on_plugins_of_their_own(self):
        assert Div(on_intersect="a", on_interval="b", on_signal_patch="c") == (
            '<div data-on-intersect="a" data-on-interval="b" data-on-signal-patch="c"></div>'
        )

    def test_keyed_plugins(self):
        assert Div(attr_disabled="$busy", class_active="$on", style_color="$c") == (
            '<div data-attr:disabled="$busy" data-class:active="$on" data-style:color="$c"></div>'
        )

    def test_keyed_plugins_with_data_prefix(self):
        assert Div(data_class_active="$on", data_computed_total="$a + $b") == (
            '<div data-class:active="$on" data-computed:total="$a + $b"></div>'
        )

    def test_ds_prefix_means_data(self):
        assert Div(ds_on_click="x", ds_foo="bar") == '<div data-on:click="x" data-foo="bar"></div>'

    def test_expression_is_escaped_for_the_attribute(self):
        assert Button(on_click="alert('x') && $a < 3") == (
            '<button data-on:click="alert(&#39;x&#39;) &amp;&amp; $a &lt; 3"></button>'
        )

    def test_cls_dict_gives_data_class(self):
        assert Div(cls={"active": "$on", "hidden": False}) == (
            '<div data-class="{&#34;active&#34;:($on),&#34;hidden&#34;:(false)}"></div>'
        )

    def test_attrs_dict_gives_data_attr(self):
        assert Button(attrs={"disabled": "$busy"}) == (
            '<button data-attr="{&#34;disabled&#34;:($busy)}"></button>'
        )

    def test_expression_dict_key_cannot_break_the_object(self):
        assert Div(data_style={'a": alert(1), "b': "$c"}) == (
            '<div data-style="{&#34;a\\&#34;: alert(1), \\&#34;b&#34;:($c)}"></div>'
        )

    def test_expression_dict_key_is_a_js_string_datastar_leaves_alone(self):
        assert Div(cls={"at-@ é": "$on"}) == (
            '<div data-class="{&#34;at-\\u0040 \\u00e9&#34;:($on)}"></div>'
        )

    def test_expression_dict_value_that_is_not_json_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(cls={"a": {1}})
        assert str(excinfo.value).startswith("Cannot write {1} into a Datastar expression")

    def test_expression_dict_needs_string_keys(self):
        with pytest.raises(TypeError) as excinfo:
            Div(cls={1: "$x"})
        assert str(excinfo.value) == "Attribute 'data-class' needs string keys, got 1."

    def test_non_string_expression_is_str_ed(self):
        assert Div(text=5) == '<div data-text="5"></div>'

    def test_false_expression_is_the_js_literal_false(self):
        assert Div(show=False) == '<div data-show="false"></div>'

    def test_true_expression_is_the_js_literal_true(self):
        assert Div(effect=True) == '<div data-effect="true"></div>'

    def test_boolean_on_keyed_and_prefixed_expressions_is_a_js_literal(self):
        assert Div(attr_disabled=False, data_show=False, on_click=True) == (
            '<div data-attr:disabled="false" data-show="false" data-on:click="true"></div>'
        )

    def test_false_flag_plugin_leaves_the_attribute_out(self):
        assert Div(ignore=False, ignore_morph=False, persist=False) == "<div></div>"

    def test_none_expression_leaves_the_attribute_out(self):
        assert Div(show=None) == "<div></div>"


class DatastarOnKeysTests(SimpleTestCase):
    def test_key_combination(self):
        assert Div(on_keys_ctrl_k="open()") == '<div data-on-keys:ctrl-k="open()"></div>'

    def test_bare_on_keys_takes_every_key(self):
        assert Div(on_keys="log()") == '<div data-on-keys="log()"></div>'

    def test_modifiers(self):
        assert Input(on_keys_enter__el__throttle_1s="go()") == (
            '<input data-on-keys:enter__el__throttle.1s="go()">'
        )

    def test_data_and_ds_prefixes(self):
        assert Div(data_on_keys_escape="a()", ds_on_keys_f1="b()") == (
            '<div data-on-keys:escape="a()" data-on-keys:f1="b()"></div>'
        )

    def test_other_events_keep_data_on(self):
        assert Div(on_keydown="a()", on_key_up="b()") == (
            '<div data-on:keydown="a()" data-on:key-up="b()"></div>'
        )


class DatastarExpressionValueTests(SimpleTestCase):
    def test_expression_is_written_as_its_source(self):
        count = Signal("count", 0)
        assert Button(on_click=count.add(1), show=count > 0) == (
            '<button data-on:click="$count++" data-show="($count &gt; 0)"></button>'
        )

    def test_expression_in_a_cls_dict(self):
        assert Div(cls={"active": Signal("on"), "big": js("$size > 3")}) == (
            '<div data-class="{&#34;active&#34;:($on),&#34;big&#34;:($size &gt; 3)}"></div>'
        )

    def test_bind_takes_a_signal_name(self):
        assert Input(bind=Signal("name", "")) == '<input data-bind="name">'

    def test_bind_takes_a_namespaced_signal(self):
        assert Input(bind=Signal("email", namespace="form")) == '<input data-bind="form.email">'

    def test_bind_takes_a_nested_signal_path(self):
        assert Input(bind=Signals(user={}).user.name) == '<input data-bind="user.name">'

    def test_ref_and_indicator_take_signals(self):
        assert Div(ref=Signal("box"), indicator=Signal("busy")) == (
            '<div data-ref="box" data-indicator="busy"></div>'
        )

    def test_bind_refuses_an_expression_that_is_no_signal(self):
        with pytest.raises(TypeError) as excinfo:
            Input(bind=Signal("a") + 1)
        assert str(excinfo.value) == (
            "Attribute 'data-bind' takes a signal: its name ('count', 'user.name') or a Signal, "
            "got <BinaryOp ($a + 1)>."
        )

    def test_bind_refuses_other_values(self):
        with pytest.raises(TypeError) as excinfo:
            Input(bind=True)
        assert str(excinfo.value) == (
            "Attribute 'data-bind' takes a signal: its name ('count', 'user.name') or a Signal, "
            "got True."
        )

    def test_bind_takes_a_lazy_string(self):
        assert Input(bind=gettext_lazy("$name")) == '<input data-bind="name">'


class DatastarSignalObjectTests(SimpleTestCase):
    def test_signals_object(self):
        assert Div(signals=Signals(count=0, name="x")) == (
            '<div data-signals="{&#34;count&#34;:0,&#34;name&#34;:&#34;x&#34;}"></div>'
        )

    def test_signals_object_nests_under_its_namespace(self):
        assert Div(signals=Signals(count=0, namespace="app.form")) == (
            '<div data-signals="{&#34;app&#34;:{&#34;form&#34;:{&#34;count&#34;:0}}}"></div>'
        )

    def test_signals_object_with_a_signal_named_items(self):
        assert Div(signals=Signals(items=[1])) == (
            '<div data-signals="{&#34;items&#34;:[1]}"></div>'
        )

    def test_one_signal(self):
        assert Div(signals=Signal("count", 0)) == '<div data-signals="{&#34;count&#34;:0}"></div>'

    def test_list_of_signals_is_merged(self):
        value = [Signal("count", 0), Signal("email", "", namespace="form")]
        assert Div(signals=value) == (
            '<div data-signals="{&#34;count&#34;:0,&#34;form&#34;:{&#34;email&#34;:&#34;&#34;}}">'
            "</div>"
        )

    def test_ref_only_signal_is_left_out_of_a_list(self):
        value = (Signal("count", 0), Signal("box", _ref_only=True))
        assert Div(signals=value) == '<div data-signals="{&#34;count&#34;:0}"></div>'

    def test_keyed_signal_false_is_json(self):
        assert Div(signals_open=False) == '<div data-signals:open="false"></div>'

    def test_keyed_signal_takes_an_expression(self):
        assert Div(signals_total=Signal("a") + 1) == ('<div data-signals:total="($a + 1)"></div>')

    def test_signals_take_an_expression_built_with_js(self):
        assert Div(signals=js("{a: $b}")) == '<div data-signals="{a: $b}"></div>'

    def test_computed_signal_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(signals=Signal("total", Signal("a") + 1))
        assert str(excinfo.value) == (
            "Signal('total', <BinaryOp ($a + 1)>) is computed: data-signals holds values, so "
            "write its expression with computed_total=... instead."
        )

    def test_expression_as_a_signals_value_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(signals=Signals(total=js("$a + 1")))
        assert str(excinfo.value) == (
            "Signal 'total' has the expression $a + 1 as its value: data-signals holds values, "
            "so write it as a computed signal (computed_total=)."
        )

    def test_signal_nesting_under_a_value_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Div(signals=[Signal("user", 1), Signal("name", "", namespace="user")])
        assert str(excinfo.value) == "Signal 'user.name' nests under 'user', which has a value."

    def test_list_that_is_not_all_signals_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(signals=[Signal("a", 1), 2])
        assert str(excinfo.value) == (
            "signals= takes a dict of signal values, got [Signal('a', 1), 2]; to write a raw "
            "expression, pass **{'data-signals': '...'}."
        )

    def test_string_with_a_modifier_is_refused(self):
        with pytest.raises(TypeError):
            Div(signals__ifmissing="{a: 1}")

    def test_boolean_signals_are_refused(self):
        with pytest.raises(TypeError):
            Div(signals=True)
