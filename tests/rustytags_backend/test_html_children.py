"""Children of rustytags_backend.html elements: what is escaped, inserted, flattened, dropped."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from fractions import Fraction

import markupsafe
import pytest
import rusty_tags
import rusty_tags.datastar
from datastar_py import attribute_generator as data
from django import forms
from django.middleware.csrf import get_token
from django.template.backends.utils import csrf_input_lazy
from django.test import RequestFactory, SimpleTestCase
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from rustytags_backend._html_string import HtmlString
from rustytags_backend.html import B, Div, Form, Fragment, Input, Li, P, Span, Td, Ul

PORT_TAGS = (
    "Port the code that built it: import the tags from rustytags_backend.html in place of "
    "rusty_tags or nitro (from rustytags_backend.html import Div, not from rusty_tags import "
    "Div or from nitro import Div), and rusty_tags.datastar from rustytags_backend.html.datastar."
)
PORT_DATASTAR = (
    "Port the code that built it: import it from rustytags_backend.html.datastar in place of "
    "rusty_tags.datastar."
)


def refusal(kind: str, shown: str, port: str = PORT_TAGS) -> str:
    """The TypeError message for the rusty-tags object *kind* shown as *shown*."""
    return (
        f"Cannot render the {kind} {shown}: rusty-tags escapes nothing, so user data in it "
        f"would be live HTML. {port}"
    )


class NameForm(forms.Form):
    name = forms.CharField(max_length=10)


class Shouting:
    """An object whose str() is markup-like text."""

    def __str__(self) -> str:
        return "<shout> & 'yell'"


class Trusted:
    """An object that renders itself as trusted markup."""

    def __html__(self) -> str:
        return "<em>trusted</em>"


class MadeUpAttributes:
    """An object whose __getattr__ answers any name, __html__ included (as expression
    builders and mocks do)."""

    def __getattr__(self, name: str) -> object:
        return lambda: "<b>made up</b>"

    def __str__(self) -> str:
        return "<text>"


class TextChildTests(SimpleTestCase):
    def test_str_child_is_escaped(self):
        assert Div("<b>Tom & \"Jerry\" 'x'</b>") == (
            "<div>&lt;b&gt;Tom &amp; &#34;Jerry&#34; &#39;x&#39;&lt;/b&gt;</div>"
        )

    def test_several_str_children_are_escaped_and_joined(self):
        assert Div("a<", "b>", "c&") == "<div>a&lt;b&gt;c&amp;</div>"

    def test_non_ascii_text_is_kept(self):
        assert P("Grüße, 東京 ✓") == "<p>Grüße, 東京 ✓</p>"

    def test_str_subclass_without_html_is_escaped(self):
        class Name(str):
            pass

        assert Div(Name("<x>")) == "<div>&lt;x&gt;</div>"

    def test_lazy_translation_is_rendered_and_escaped(self):
        assert Div(gettext_lazy("<Hello>")) == "<div>&lt;Hello&gt;</div>"

    def test_other_objects_are_str_ed_and_escaped(self):
        assert Div(Shouting()) == "<div>&lt;shout&gt; &amp; &#39;yell&#39;</div>"

    def test_date_renders_as_str(self):
        assert Div(datetime.date(2026, 11, 24)) == "<div>2026-11-24</div>"

    def test_bytes_child_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(b"<raw>")
        assert str(excinfo.value) == "Cannot render bytes b'<raw>'; decode it to str first."


class NumberChildTests(SimpleTestCase):
    def test_int_renders_as_python_str(self):
        assert Td(42) == "<td>42</td>"

    def test_big_int_is_exact(self):
        assert Td(2**70) == "<td>1180591620717411303424</td>"

    def test_float_renders_as_python_str(self):
        assert Td(1e20, " ", 0.1) == "<td>1e+20 0.1</td>"

    def test_decimal_keeps_its_digits(self):
        assert Td(Decimal("1.10")) == "<td>1.10</td>"

    def test_fraction_renders_as_python_str(self):
        assert Td(Fraction(1, 3)) == "<td>1/3</td>"


class EmptyChildTests(SimpleTestCase):
    def test_none_renders_nothing(self):
        assert Div(None) == "<div></div>"

    def test_booleans_render_nothing(self):
        assert Div(True, "x", False) == "<div>x</div>"

    def test_condition_idiom_renders_nothing_when_false(self):
        is_staff = False
        assert Div("user", is_staff and B("staff")) == "<div>user</div>"

    def test_condition_idiom_renders_element_when_true(self):
        is_staff = True
        assert Div("user", is_staff and B("staff")) == "<div>user<b>staff</b></div>"


class MarkupChildTests(SimpleTestCase):
    def test_own_output_is_not_escaped_again(self):
        assert Div(Span("<x>")) == "<div><span>&lt;x&gt;</span></div>"

    def test_several_elements_as_children(self):
        assert Ul(Li("a"), Li("b")) == "<ul><li>a</li><li>b</li></ul>"

    def test_mark_safe_is_inserted_as_is(self):
        assert Div(mark_safe("<svg></svg>")) == "<div><svg></svg></div>"

    def test_markupsafe_markup_is_inserted_as_is(self):
        assert Div(markupsafe.Markup("<i>x</i>")) == "<div><i>x</i></div>"

    def test_format_html_result_is_inserted_as_is(self):
        assert Div(format_html("<b>{}</b>", "<x>")) == "<div><b>&lt;x&gt;</b></div>"

    def test_object_with_html_is_inserted_as_is(self):
        assert Div(Trusted()) == "<div><em>trusted</em></div>"

    def test_markup_among_several_children(self):
        assert P("a", Trusted(), mark_safe("<br>"), "<") == ("<p>a<em>trusted</em><br>&lt;</p>")

    def test_bound_field_renders_its_widget(self):
        form = NameForm()
        assert Div(form["name"]) == (
            '<div><input type="text" name="name" maxlength="10" required id="id_name"></div>'
        )

    def test_lazy_csrf_input_renders_the_hidden_input(self):
        request = RequestFactory().get("/")
        get_token(request)
        # The token is masked anew on every evaluation, so match its exact shape.
        assert re.fullmatch(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="[A-Za-z0-9]{64}"></form>',
            Form(csrf_input_lazy(request), method="post"),
        )


class TypeLevelHtmlTests(SimpleTestCase):
    def test_html_made_up_by_getattr_is_not_markup(self):
        assert Div(MadeUpAttributes()) == "<div>&lt;text&gt;</div>"

    def test_html_made_up_by_getattr_is_not_markup_after_the_first_child(self):
        assert Div("a", MadeUpAttributes()) == "<div>a&lt;text&gt;</div>"

    def test_html_set_on_the_instance_is_not_markup(self):
        shouting = Shouting()
        shouting.__html__ = lambda: "<b>raw</b>"  # type: ignore[attr-defined]
        assert Div(shouting) == "<div>&lt;shout&gt; &amp; &#39;yell&#39;</div>"

    def test_class_with_html_is_not_markup_itself(self):
        assert Div(Trusted) == (
            "<div>&lt;class &#39;tests.rustytags_backend.test_html_children.Trusted&#39;&gt;</div>"
        )


class RustyTagsChildTests(SimpleTestCase):
    """rusty-tags escapes nothing: its output among our children would be live HTML."""

    def test_rusty_tags_element_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(rusty_tags.B("<img src=x onerror=alert(1)>"))
        assert str(excinfo.value) == refusal(
            "rusty_tags.core.HtmlString", "'<b><img src=x onerror=alert(1)></b>'"
        )

    def test_rusty_tags_element_after_the_first_child_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            P("a", rusty_tags.B("b"))
        assert str(excinfo.value) == refusal("rusty_tags.core.HtmlString", "'<b>b</b>'")

    def test_rusty_tags_element_inside_a_list_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Ul([Li("a"), rusty_tags.Li("b")])
        assert str(excinfo.value) == refusal("rusty_tags.core.HtmlString", "'<li>b</li>'")

    def test_rusty_tags_element_in_a_fragment_is_refused(self):
        with pytest.raises(TypeError):
            Fragment(rusty_tags.Span("x"))

    def test_long_rusty_tags_markup_is_cut_in_the_message(self):
        with pytest.raises(TypeError) as excinfo:
            Div(rusty_tags.P("x" * 100))
        assert str(excinfo.value) == refusal(
            "rusty_tags.core.HtmlString", "'<p>" + "x" * 73 + "..."
        )

    def test_rusty_tags_tag_builder_is_refused(self):
        builder = rusty_tags.Div()  # rusty-tags' Div() without arguments is a TagBuilder
        with pytest.raises(TypeError) as excinfo:
            Div(builder)
        assert str(excinfo.value) == refusal("rusty_tags.TagBuilder", "'<div/>'")

    def test_rusty_tags_datastar_expression_is_refused(self):
        # Its __getattr__ makes up __html__: inserted as markup before the type-level lookup.
        signal = rusty_tags.datastar.Signal("count", 0)
        with pytest.raises(TypeError) as excinfo:
            Div(signal)
        assert str(excinfo.value) == refusal(
            "rusty_tags.datastar.Signal", repr(signal), PORT_DATASTAR
        )

    def test_rusty_tags_datastar_signals_dict_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(rusty_tags.datastar.Signals(count=0), "x")
        assert str(excinfo.value) == refusal(
            "rusty_tags.datastar.Signals", "{'count': 0}", PORT_DATASTAR
        )

    def test_rusty_tags_signals_dict_inside_a_list_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div([rusty_tags.datastar.Signals(count=0)])
        assert str(excinfo.value) == refusal(
            "rusty_tags.datastar.Signals", "{'count': 0}", PORT_DATASTAR
        )

    def test_rusty_tags_attr_dict_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(rusty_tags.utils.AttrDict(id="a"))
        assert str(excinfo.value) == refusal("rusty_tags.utils.AttrDict", "{'id': 'a'}")


class IterableChildTests(SimpleTestCase):
    def test_list_is_flattened(self):
        assert Ul([Li("a"), Li("b")]) == "<ul><li>a</li><li>b</li></ul>"

    def test_tuple_is_flattened(self):
        assert Div(("a", "<")) == "<div>a&lt;</div>"

    def test_generator_is_flattened(self):
        assert Ul(Li(n) for n in range(3)) == "<ul><li>0</li><li>1</li><li>2</li></ul>"

    def test_nested_iterables_are_flattened(self):
        assert Div(["a", ("b", [None, "c", [1, 2]])]) == "<div>abc12</div>"

    def test_iterable_after_first_child_is_flattened(self):
        assert Div("a", ["<", "b"]) == "<div>a&lt;b</div>"

    def test_markup_inside_a_list_is_inserted_as_is(self):
        assert Div([mark_safe("<hr>"), Trusted()]) == "<div><hr><em>trusted</em></div>"

    def test_bytes_inside_a_list_are_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div(["a", b"b"])
        assert str(excinfo.value) == "Cannot render bytes b'b'; decode it to str first."


class AttributeDictChildTests(SimpleTestCase):
    def test_dict_child_gives_attributes(self):
        assert Div({"data-x": "1"}, "y", id="a") == '<div data-x="1" id="a">y</div>'

    def test_dict_child_keys_follow_keyword_conventions(self):
        assert Div({"cls": "c"}, "y") == '<div class="c">y</div>'

    def test_datastar_py_attribute_is_a_dict_child(self):
        assert Div(data.on("click", "$count++"), "y") == (
            '<div data-on:click__case.kebab="$count++">y</div>'
        )

    def test_dict_child_values_are_escaped(self):
        assert Div({"title": "<'>"}) == '<div title="&lt;&#39;&gt;"></div>'

    def test_dict_child_key_also_given_as_keyword_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Div({"id": "a"}, id="b")
        assert (
            str(excinfo.value) == "Duplicate attribute 'id': it is given twice; pass it only once."
        )

    def test_dict_inside_a_list_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Div([{"id": "a"}])
        assert str(excinfo.value) == (
            "Cannot render the dict {'id': 'a'}: a dict of attributes must be a direct child "
            "of an element, not inside a list or a Fragment."
        )

    def test_dict_child_of_void_element_gives_attributes(self):
        assert Input({"type": "checkbox"}, checked=True) == '<input type="checkbox" checked>'


class ResultTypeTests(SimpleTestCase):
    def test_result_is_an_html_string(self):
        assert type(Div("x")) is HtmlString

    def test_result_of_an_element_with_attributes_is_an_html_string(self):
        assert type(Div("x", id="a")) is HtmlString

    def test_result_is_a_safestring(self):
        assert isinstance(Div("x"), SafeString)

    def test_result_is_a_str(self):
        assert isinstance(Div("x"), str)

    def test_result_html_returns_itself(self):
        element = Div("x")
        assert element.__html__() is element


class FragmentTests(SimpleTestCase):
    def test_fragment_joins_children_without_an_element(self):
        assert Fragment("a<", B("b"), None, [1, 2]) == "a&lt;<b>b</b>12"

    def test_empty_fragment_is_empty(self):
        assert Fragment() == ""

    def test_fragment_is_an_html_string(self):
        assert type(Fragment("x")) is HtmlString

    def test_fragment_refuses_a_dict(self):
        with pytest.raises(TypeError) as excinfo:
            Fragment({"id": "a"})
        assert str(excinfo.value) == (
            "Cannot render the dict {'id': 'a'}: a dict of attributes must be a direct child "
            "of an element, not inside a list or a Fragment."
        )
