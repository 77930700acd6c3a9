"""Elements of rustytags_backend.html: names, void and raw-text elements, CustomTag."""

from __future__ import annotations

import pytest
import rusty_tags
from django.test import SimpleTestCase
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from rustytags_backend import html
from rustytags_backend._html_string import HtmlString
from rustytags_backend.html import (
    Br,
    ClipPath,
    CustomTag,
    Desc,
    Div,
    Filter,
    Html,
    Img,
    Input,
    Output,
    Pre,
    Script,
    Search,
    Slot,
    Style,
    Td,
    Textarea,
    TextPath,
    Title,
    Tspan,
)

RUSTY_TAGS_NON_TAGS = {
    "AttrDict", "CustomTag", "DS", "ElementPatchMode", "EventType", "Fragment", "HtmlElement",
    "HtmlString", "Page", "SSE", "Safe", "Signals", "TagBuilder", "attribute_generator",
    "create_template", "page_template", "reactive_class", "show", "signals", "template",
    "unless", "when",
}  # fmt: skip
RUSTY_TAGS_TAGS = sorted(set(vars(rusty_tags)["__all__"]) - RUSTY_TAGS_NON_TAGS)
VOID = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"]  # fmt: skip


@pytest.mark.parametrize("name", RUSTY_TAGS_TAGS)
def test_every_rusty_tags_tag_is_exported(name: str) -> None:
    assert name in html.__all__


@pytest.mark.parametrize("name", RUSTY_TAGS_TAGS)
def test_every_rusty_tags_tag_renders_its_element(name: str) -> None:
    expected_tag = str(getattr(rusty_tags, name)("x")).removeprefix("<!doctype html>")
    expected_tag = expected_tag[1:].split(">")[0].split(" ")[0]
    rendered = getattr(html, name)().removeprefix("<!doctype html>")
    assert rendered.lower().startswith(f"<{expected_tag}>")


@pytest.mark.parametrize("name", VOID)
def test_void_element_has_no_end_tag(name: str) -> None:
    tag = getattr(html, name.capitalize())
    assert tag(id="v") == f'<{name} id="v">'


@pytest.mark.parametrize("name", VOID)
def test_void_element_refuses_children(name: str) -> None:
    with pytest.raises(TypeError) as excinfo:
        getattr(html, name.capitalize())("child")
    assert str(excinfo.value) == (
        f"<{name}> is a void element and cannot have children, got ('child',)."
    )


class ElementTests(SimpleTestCase):
    def test_empty_element_gets_its_end_tag(self):
        assert Td() == "<td></td>"

    def test_empty_element_with_attributes_gets_its_end_tag(self):
        assert Td(cls="c") == '<td class="c"></td>'

    def test_void_element_without_attributes(self):
        assert Br() == "<br>"

    def test_img_with_empty_alt(self):
        assert Img(src="a.png", alt="") == '<img src="a.png" alt="">'

    def test_html_starts_with_the_doctype(self):
        assert Html(html.Body("x"), lang="en") == (
            '<!doctype html><html lang="en"><body>x</body></html>'
        )

    def test_new_html_tags(self):
        assert (Output("1", _for="a b"), Slot(name="s"), Search("q")) == (
            '<output for="a b">1</output>',
            '<slot name="s"></slot>',
            "<search>q</search>",
        )

    def test_new_svg_tags(self):
        assert (Tspan("a"), TextPath("b", href="#p"), Filter(id="f"), Desc("d")) == (
            "<tspan>a</tspan>",
            '<textPath href="#p">b</textPath>',
            '<filter id="f"></filter>',
            "<desc>d</desc>",
        )

    def test_svg_tag_keeps_its_case(self):
        assert ClipPath(id="c") == '<clipPath id="c"></clipPath>'

    def test_option_el_is_option(self):
        assert html.OptionEl is html.Option

    def test_tag_function_is_named_after_the_tag(self):
        assert (Div.__name__, ClipPath.__name__, html.H1.__name__) == ("Div", "ClipPath", "H1")

    def test_tag_function_has_a_docstring(self):
        assert Div.__doc__ == (
            "Render a <div> element: children are escaped unless they are markup (an object "
            "with __html__); keyword arguments become attributes."
        )

    def test_title_content_is_escaped(self):
        assert Title("</title><script>") == "<title>&lt;/title&gt;&lt;script&gt;</title>"

    def test_textarea_content_is_escaped(self):
        assert Textarea("</textarea>", name="t") == (
            '<textarea name="t">&lt;/textarea&gt;</textarea>'
        )


class LeadingNewlineTests(SimpleTestCase):
    def test_pre_keeps_a_leading_newline(self):
        assert Pre("\nx") == "<pre>\n\nx</pre>"

    def test_textarea_keeps_a_leading_newline(self):
        assert Textarea("\nx") == "<textarea>\n\nx</textarea>"

    def test_pre_without_leading_newline_is_unchanged(self):
        assert Pre("x\n") == "<pre>x\n</pre>"


class RawTextTests(SimpleTestCase):
    def test_script_content_is_not_escaped(self):
        assert Script("if (a < b && c > 'd') {}") == "<script>if (a < b && c > 'd') {}</script>"

    def test_script_end_tag_in_content_is_neutralised(self):
        assert Script("s = '</script><script>alert(1)</script>'") == (
            "<script>s = '<\\/script><script>alert(1)<\\/script>'</script>"
        )

    def test_script_end_tag_in_any_case_is_neutralised(self):
        assert Script("'</ScRiPt >'") == "<script>'<\\/ScRiPt >'</script>"

    def test_comment_opener_in_script_is_neutralised(self):
        assert Script("'<!--<script>'") == "<script>'<\\!--<script>'</script>"

    def test_trusted_markup_in_script_is_neutralised_too(self):
        assert Script(mark_safe("'</script>'")) == "<script>'<\\/script>'</script>"

    def test_object_with_html_in_script_is_neutralised(self):
        assert Script(_ScriptMarkup()) == "<script>'<\\/script>'</script>"

    def test_rusty_tags_markup_in_script_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Script(rusty_tags.Script("'</script>'"))
        assert str(excinfo.value).startswith(
            "Cannot render the rusty_tags.core.HtmlString \"<script>'</script>'</script>\": "
            "rusty-tags escapes nothing"
        )

    def test_rusty_tags_markup_in_a_list_in_style_is_refused(self):
        with pytest.raises(TypeError):
            Style(["a{}", rusty_tags.B("b")])

    def test_html_made_up_by_getattr_in_script_is_text(self):
        assert Script(_MadeUpAttributes()) == "<script>made-up text</script>"

    def test_script_with_source_and_no_content(self):
        assert Script(src="/app.js", type="module") == (
            '<script src="/app.js" type="module"></script>'
        )

    def test_script_children_are_joined(self):
        assert Script("var a = ", 1, ";", None, ["b", True]) == "<script>var a = 1;b</script>"

    def test_script_refuses_bytes(self):
        with pytest.raises(TypeError) as excinfo:
            Script(b"x")
        assert str(excinfo.value) == "Cannot render bytes b'x' inside a raw-text element."

    def test_style_content_is_not_escaped(self):
        assert Style("a > b { content: '&'; }") == "<style>a > b { content: '&'; }</style>"

    def test_style_end_tag_in_content_is_neutralised(self):
        assert Style("a{}</STYLE><script>") == "<style>a{}<\\/STYLE><script></style>"

    def test_comment_opener_in_style_is_kept(self):
        assert Style("<!-- a {} -->") == "<style><!-- a {} --></style>"


class _ScriptMarkup:
    def __html__(self) -> str:
        return "'</script>'"


class _MadeUpAttributes:
    def __getattr__(self, name: str) -> object:
        return lambda: "<b>made up</b>"

    def __str__(self) -> str:
        return "made-up text"


class CustomTagTests(SimpleTestCase):
    def test_custom_tag_is_an_html_string(self):
        assert type(CustomTag("my-widget", "a")) is HtmlString

    def test_void_element_is_an_html_string(self):
        assert type(Input(name="n")) is HtmlString

    def test_raw_text_element_is_an_html_string(self):
        assert type(Script("x")) is HtmlString

    def test_custom_tag_refuses_rusty_tags_markup(self):
        with pytest.raises(TypeError):
            CustomTag("my-widget", rusty_tags.B("b"))

    def test_custom_tag_renders_like_a_tag(self):
        assert CustomTag("my-widget", "a<", data_id=1) == (
            '<my-widget data-id="1">a&lt;</my-widget>'
        )

    def test_custom_tag_keeps_the_name_as_given(self):
        assert CustomTag("feDropShadow", dx="1") == '<feDropShadow dx="1"></feDropShadow>'

    def test_custom_tag_takes_a_name_attribute(self):
        assert CustomTag("x-input", name="q") == '<x-input name="q"></x-input>'

    def test_custom_tag_takes_a_dict_child(self):
        assert CustomTag("x-a", {"@click": "go"}) == '<x-a @click="go"></x-a>'

    def test_custom_void_tag_is_void(self):
        assert CustomTag("br", cls="x") == '<br class="x">'

    def test_custom_tag_name_is_validated(self):
        with pytest.raises(ValueError) as excinfo:
            CustomTag("x onload=alert(1)", "c")
        assert str(excinfo.value) == (
            "Invalid tag name 'x onload=alert(1)': it must not be empty or contain whitespace, "
            "control characters, quotes, '<', '>', '/' or '='."
        )

    def test_custom_tag_name_cannot_be_empty(self):
        with pytest.raises(ValueError) as excinfo:
            CustomTag("")
        assert str(excinfo.value) == (
            "Invalid tag name '': it must not be empty or contain whitespace, control "
            "characters, quotes, '<', '>', '/' or '='."
        )

    def test_input_refuses_children(self):
        with pytest.raises(TypeError) as excinfo:
            Input("x", name="n")
        assert str(excinfo.value) == (
            "<input> is a void element and cannot have children, got ('x',)."
        )

    def test_div_is_not_void(self):
        assert Div() == "<div></div>"


class RawTextLazyTests(SimpleTestCase):
    def test_lazy_translation_in_script_renders_whole(self):
        assert Script(gettext_lazy("a < b")) == "<script>a < b</script>"
