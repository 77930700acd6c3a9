"""HtmlString: rusty-tags' result type as a Django SafeString, and trusted_html().

Where rusty-tags' own HtmlString documents a member, the test compares with the real one
(rusty-tags 0.7.0); the intended differences are tested as such.
"""

from __future__ import annotations

import pickle
from typing import Any
from unittest import mock

import pytest
import rusty_tags
import rusty_tags.datastar
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils.safestring import SafeString, mark_safe
from markupsafe import Markup

from rustytags_backend._html_string import HtmlString, _html_of, refuse_rusty_tags, trusted_html
from rustytags_backend.html import B, Div, P
from rustytags_backend.html._parse import HtmlElement

MARKUP = '<div class="c">é &amp; <b>x</b></div>'


def theirs(content: object) -> Any:
    """rusty-tags' own HtmlString (its stub declares no constructor)."""
    return rusty_tags.HtmlString(content)  # type: ignore[call-arg]


class ConstructorTests(SimpleTestCase):
    def test_wraps_markup_without_escaping_it(self):
        assert (str(HtmlString("<b>x</b>")), str(theirs("<b>x</b>"))) == ("<b>x</b>", "<b>x</b>")

    def test_is_a_safestring(self):
        assert isinstance(HtmlString("x"), SafeString)

    def test_is_a_str(self):
        assert isinstance(HtmlString("x"), str)

    def test_non_str_is_converted_with_str(self):
        # Intended difference: rusty-tags raises TypeError, SafeString converts; ours converts.
        with pytest.raises(TypeError):
            theirs(1)
        assert HtmlString(1) == "1"


class MemberTests(SimpleTestCase):
    def test_content_is_the_markup(self):
        assert HtmlString(MARKUP).content == theirs(MARKUP).content == MARKUP

    def test_content_is_a_plain_str(self):
        assert type(HtmlString(MARKUP).content) is str

    def test_render_gives_the_markup_as_a_plain_str(self):
        ours = HtmlString(MARKUP).render()
        assert (ours, type(ours)) == (theirs(MARKUP).render(), str)

    def test_repr_html_gives_the_markup_for_jupyter(self):
        assert HtmlString(MARKUP)._repr_html_() == theirs(MARKUP)._repr_html_()

    def test_html_gives_the_markup(self):
        assert HtmlString(MARKUP).__html__() == theirs(MARKUP).__html__()

    def test_encode_is_utf_8_by_default(self):
        assert HtmlString(MARKUP).encode() == theirs(MARKUP).encode()

    def test_encode_to_another_encoding(self):
        assert HtmlString("é").encode("latin-1") == b"\xe9"

    def test_encode_errors_none_is_strict(self):
        with pytest.raises(UnicodeEncodeError):
            HtmlString("é").encode("ascii", None)

    def test_encode_with_an_error_handler(self):
        assert HtmlString("<p>é</p>").encode("ascii", "ignore") == b"<p></p>"

    def test_bytes_are_utf_8(self):
        assert bytes(HtmlString(MARKUP)) == bytes(theirs(MARKUP)) == (MARKUP.encode())

    def test_parse_gives_the_element_tree(self):
        tree = Div(P("a"), id="x").parse()
        assert (type(tree), tree.to_html()) == (HtmlElement, '<div id="x"><p>a</p></div>')


class ConcatenationTests(SimpleTestCase):
    # Intended difference: rusty-tags' HtmlString cannot be concatenated (TypeError).

    def test_markup_plus_markup_is_markup(self):
        joined = B("a") + B("<")
        assert (joined, type(joined)) == ("<b>a</b><b>&lt;</b>", HtmlString)

    def test_markup_plus_safestring_is_markup(self):
        assert type(B("a") + mark_safe("<hr>")) is HtmlString

    def test_markup_plus_plain_str_is_a_plain_str(self):
        joined = B("a") + "<script>"
        assert (joined, type(joined)) == ("<b>a</b><script>", str)

    def test_plain_str_plus_markup_is_a_plain_str(self):
        assert type("<script>" + B("a")) is str

    def test_rusty_tags_html_string_cannot_be_concatenated(self):
        with pytest.raises(TypeError):
            rusty_tags.B("a") + rusty_tags.B("b")  # type: ignore[operator]


class StrBehaviourTests(SimpleTestCase):
    """Intended differences: as a str, it compares, hashes, measures and searches by value."""

    def test_equal_markup_is_equal(self):
        assert (Div("x") == Div("x"), rusty_tags.Div("x") == rusty_tags.Div("x")) == (True, False)

    def test_equal_markup_hashes_alike(self):
        assert len({Div("x"), Div("x")}) == 1

    def test_len_is_the_length_of_the_markup(self):
        assert len(Div("x")) == len("<div>x</div>")

    def test_in_searches_the_markup(self):
        assert "x</div>" in Div("x")

    def test_empty_markup_is_false(self):
        assert (bool(HtmlString("")), bool(theirs(""))) == (False, True)

    def test_repr_is_the_quoted_str(self):
        assert (repr(Div("x")), repr(rusty_tags.Div("x"))) == ("'<div>x</div>'", "<div>x</div>")

    def test_pickle_round_trip_keeps_the_type(self):
        restored = pickle.loads(pickle.dumps(Div("<"), pickle.HIGHEST_PROTOCOL))
        assert (restored, type(restored)) == ("<div>&lt;</div>", HtmlString)

    def test_django_template_variable_is_not_escaped(self):
        # Intended difference: DTL escapes rusty-tags' HtmlString (it is not a str).
        template = Template("{{ x }}")
        assert (
            template.render(Context({"x": Div("<")})),
            template.render(Context({"x": rusty_tags.Div("a")})),
        ) == ("<div>&lt;</div>", "&lt;div&gt;a&lt;/div&gt;")


class _HtmlOnTheType:
    def __html__(self) -> str:
        return "<i>type</i>"


class _MadeUp:
    def __getattr__(self, name: str) -> object:
        return lambda: "<b>made up</b>"


class _ReturnsMarkup:
    def __html__(self) -> Markup:
        return Markup("<u>m</u>")


class TrustedHtmlTests(SimpleTestCase):
    def test_object_whose_type_has_html(self):
        assert trusted_html(_HtmlOnTheType()) == "<i>type</i>"

    def test_result_of_html_is_a_str(self):
        result = trusted_html(_ReturnsMarkup())
        assert (result, isinstance(result, str)) == ("<u>m</u>", True)

    def test_own_markup_is_itself(self):
        element = Div("x")
        assert trusted_html(element) is element

    def test_safestring(self):
        assert trusted_html(mark_safe("<hr>")) == "<hr>"

    def test_plain_str_has_none(self):
        assert trusted_html("<b>") is None

    def test_number_has_none(self):
        assert trusted_html(1) is None

    def test_html_made_up_by_getattr_is_none(self):
        assert trusted_html(_MadeUp()) is None

    def test_html_set_on_the_instance_is_none(self):
        obj = _MadeUp.__new__(_MadeUp)
        vars(obj)["__html__"] = lambda: "<b>instance</b>"
        assert trusted_html(obj) is None

    def test_class_with_html_is_none(self):
        assert trusted_html(_HtmlOnTheType) is None

    def test_same_type_answers_alike_a_second_time(self):
        assert (trusted_html(_HtmlOnTheType()), trusted_html(_HtmlOnTheType())) == (
            "<i>type</i>",
            "<i>type</i>",
        )

    def test_types_past_the_cap_are_answered_but_not_kept(self):
        made_at_run_time = type("MadeAtRunTime", (_HtmlOnTheType,), {})
        with mock.patch("rustytags_backend._html_string._CACHED_TYPES", 0):
            html = trusted_html(made_at_run_time())
        assert (html, made_at_run_time in _html_of) == ("<i>type</i>", False)

    def test_rusty_tags_html_string_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            trusted_html(rusty_tags.P("<script>"))
        assert str(excinfo.value) == (
            "Cannot render the rusty_tags.core.HtmlString '<p><script></p>': rusty-tags escapes "
            "nothing, so user data in it would be live HTML. Port the code that built it: import "
            "the tags from rustytags_backend.html in place of rusty_tags or nitro (from "
            "rustytags_backend.html import Div, not from rusty_tags import Div or from nitro "
            "import Div), and rusty_tags.datastar from rustytags_backend.html.datastar."
        )

    def test_rusty_tags_tag_builder_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.TagBuilder '<p/>'"):
            trusted_html(rusty_tags.P())

    def test_rusty_tags_parsed_element_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.core\.HtmlElement"):
            trusted_html(rusty_tags.Div("x").parse())

    def test_rusty_tags_datastar_object_is_refused(self):
        expression = rusty_tags.datastar.js("alert(1)")
        with pytest.raises(TypeError) as excinfo:
            trusted_html(expression)
        assert str(excinfo.value) == (
            f"Cannot render the rusty_tags.datastar._JSRaw {expression!r}: rusty-tags escapes "
            "nothing, so user data in it would be live HTML. Port the code that built it: import "
            "it from rustytags_backend.html.datastar in place of rusty_tags.datastar."
        )


class RefuseRustyTagsTests(SimpleTestCase):
    def test_rusty_tags_object_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.datastar\.Signals"):
            refuse_rusty_tags(rusty_tags.datastar.Signals(a=1))

    def test_rusty_tags_tag_builder_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.TagBuilder"):
            refuse_rusty_tags(rusty_tags.Span())

    def test_other_objects_pass(self):
        for value in ({"a": 1}, "x", 1, Div("x")):
            refuse_rusty_tags(value)
