"""RustyTags' helpers in rustytags_backend.html: Safe, when/unless, AttrDict, show, template,
page_template, TagBuilder, and the names rusty_tags exports at its top level."""

from __future__ import annotations

import copy
import html
import pickle
import re
import sys
from typing import Any
from unittest import mock

import pytest
import rusty_tags
from django.http import HttpResponse
from django.test import RequestFactory, SimpleTestCase
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import rustytags_backend
import rustytags_backend.html
import rustytags_backend.html.datastar
from rustytags_backend._html_string import HtmlString
from rustytags_backend.html import (
    H1,
    AttrDict,
    B,
    Br,
    Div,
    Fragment,
    I,
    Main,
    Meta,
    P,
    Safe,
    Script,
    Span,
    TagBuilder,
    create_template,
    page_template,
    show,
    template,
    unless,
    when,
)

HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
DATASTAR = (
    '<script type="module" '
    'src="https://cdn.jsdelivr.net/gh/starfederation/datastar@v1.0.1/bundles/datastar.js">'
    "</script>"
)


def document(title: str, body: str, head: str = "", body_attributes: str = "") -> str:
    return (
        f'<!doctype html><html lang="en-us"><head>{HEAD}<title>{title}</title>{head}{DATASTAR}'
        f"</head><body{body_attributes}>{body}</body></html>"
    )


# rusty_tags re-exports these from rusty_tags.datastar; so does rustytags_backend.html.
DATASTAR_NAMES = [
    "DS",
    "ElementPatchMode",
    "EventType",
    "SSE",
    "Signals",
    "attribute_generator",
    "reactive_class",
    "signals",
]


class ExportTests(SimpleTestCase):
    def test_every_top_level_name_of_rusty_tags_exists(self):
        missing = [
            name
            for name in vars(rusty_tags)["__all__"]
            if name not in rustytags_backend.html.__all__
        ]
        assert missing == []

    def test_the_datastar_names_are_those_of_the_datastar_module(self):
        assert [
            name
            for name in DATASTAR_NAMES
            if getattr(rustytags_backend.html, name)
            is not getattr(rustytags_backend.html.datastar, name)
        ] == []

    def test_rusty_tags_re_exports_the_same_datastar_names(self):
        assert [name for name in DATASTAR_NAMES if name not in vars(rusty_tags)["__all__"]] == []

    def test_every_exported_name_is_defined(self):
        undefined = [
            name
            for name in rustytags_backend.html.__all__
            if not hasattr(rustytags_backend.html, name)
        ]
        assert undefined == []

    def test_page_is_rustytags_backend_page(self):
        assert rustytags_backend.html.Page is rustytags_backend.Page

    def test_create_template_is_page_template(self):
        assert create_template is page_template


class SafeTests(SimpleTestCase):
    def test_escapes_its_text(self):
        assert Safe("<b>\"Tom\" & 'Jerry'</b>") == (
            "&lt;b&gt;&#34;Tom&#34; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        )

    def test_shows_the_same_text_as_rusty_tags_safe(self):
        text = "<script>alert('x & \"y\"')</script>"
        assert html.unescape(Safe(text)) == html.unescape(str(rusty_tags.Safe(text))) == text

    def test_result_is_markup_that_is_not_escaped_again(self):
        assert Div(Safe("<b>")) == "<div>&lt;b&gt;</div>"

    def test_result_is_an_html_string(self):
        assert isinstance(Safe("x"), HtmlString)

    def test_escapes_markup_too_unlike_mark_safe(self):
        assert Safe(mark_safe("<b>")) == "&lt;b&gt;"

    def test_takes_lazy_text(self):
        assert Safe(gettext_lazy("<untranslated>")) == "&lt;untranslated&gt;"

    def test_refuses_what_is_not_text(self):
        with pytest.raises(TypeError) as excinfo:
            Safe(b"<b>")  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "Safe() takes the text to escape, a str, got bytes b'<b>'; pass str(value)."
        )


class WhenUnlessTests(SimpleTestCase):
    def test_when_true_returns_the_element(self):
        element = Div("shown")
        assert when(True, element) is element

    def test_when_false_returns_an_empty_fragment(self):
        result = when(0, Div("hidden"))
        assert (result, type(result)) == ("", type(Fragment()))

    def test_unless_false_returns_the_element(self):
        element = Div("shown")
        assert unless(None, element) is element

    def test_unless_true_returns_an_empty_fragment(self):
        result = unless("yes", Div("hidden"))
        assert (result, type(result)) == ("", type(Fragment()))

    def test_as_children(self):
        assert Div("a", when(False, B("x")), unless(False, I("y")), "b") == (
            "<div>a<i>y</i>b</div>"
        )


class AttrDictTests(SimpleTestCase):
    def test_keys_read_as_attributes(self):
        config = AttrDict(title="Home", lang="en")
        assert (config.title, config["lang"]) == ("Home", "en")

    def test_a_missing_key_reads_as_none(self):
        assert AttrDict(a=1).missing is None

    def test_setting_an_attribute_sets_the_key(self):
        config = AttrDict()
        config.title = "Home"
        assert config == {"title": "Home"}

    def test_private_names_stay_attributes(self):
        config = AttrDict()
        config._cache = 1
        assert (config, config._cache) == ({}, 1)

    def test_special_names_are_not_keys(self):
        # so that hasattr(d, "__html__") is False: Django's escaping would call it.
        with pytest.raises(AttributeError):
            AttrDict().__html__  # noqa: B018

    def test_keys_are_listed_by_dir(self):
        assert "title" in dir(AttrDict(title="Home"))

    def test_copy_is_an_independent_attr_dict(self):
        original = AttrDict(a=1)
        duplicate = original.copy()
        duplicate.a = 2
        assert (type(duplicate), original.a, duplicate.a) == (AttrDict, 1, 2)

    def test_copies_and_pickles(self):
        original = AttrDict(a=[1])
        copies = [
            copy.copy(original),
            copy.deepcopy(original),
            pickle.loads(pickle.dumps(original)),
        ]
        assert [(type(c), c) for c in copies] == [(AttrDict, {"a": [1]})] * 3

    def test_is_attributes_as_a_child(self):
        assert Div(AttrDict(id="main"), "x") == '<div id="main">x</div>'


class ShowTests(SimpleTestCase):
    def test_returns_ipython_html(self):
        display = pytest.importorskip("IPython.display")
        shown = show(Div("x & y"))
        assert (type(shown), shown.data) == (display.HTML, "<div>x &amp; y</div>")

    def test_without_ipython_raises_import_error(self):
        # A None entry in sys.modules makes the import fail, as when IPython is not installed.
        with (
            mock.patch.dict(sys.modules, {"IPython": None, "IPython.display": None}),
            pytest.raises(ImportError) as excinfo,
        ):
            show(Div("x"))
        assert str(excinfo.value) == (
            "IPython is not installed. Please install IPython to use this function."
        )


@template
def card(content: object, title: str = "Card") -> HtmlString:
    return Div(H1(title), content, cls="card")


@template
async def async_card(content: object, title: str = "Card") -> HtmlString:
    return Div(H1(title), content, cls="card")


class TemplateTests(SimpleTestCase):
    def test_a_call_with_content_renders_the_layout(self):
        assert card(P("hi"), title="T") == '<div class="card"><h1>T</h1><p>hi</p></div>'

    def test_as_a_bare_decorator_the_result_is_the_content(self):
        @card
        def greeting(name: str) -> HtmlString:
            return P(f"Hello {name}")

        assert greeting("Ada") == '<div class="card"><h1>Card</h1><p>Hello Ada</p></div>'

    def test_as_a_decorator_with_keywords_they_reach_the_layout(self):
        @card(title="Greeting")
        def greeting() -> HtmlString:
            return P("Hello")

        assert greeting() == '<div class="card"><h1>Greeting</h1><p>Hello</p></div>'

    def test_called_without_arguments_it_is_a_decorator(self):
        def greeting() -> HtmlString:
            return P("Hello")

        assert card()(greeting)() == '<div class="card"><h1>Card</h1><p>Hello</p></div>'

    def test_the_wrapper_keeps_the_function_name_and_docstring(self):
        @card
        def greeting() -> HtmlString:
            """Say hello."""
            return P("Hello")

        assert (greeting.__name__, greeting.__doc__) == ("greeting", "Say hello.")

    def test_callable_markup_is_content(self):
        assert card(TagBuilder("hr")) == '<div class="card"><h1>Card</h1><hr></div>'

    async def test_an_async_function_gives_an_async_wrapper(self):
        @card
        async def greeting() -> HtmlString:
            return P("Hello")

        assert await greeting() == '<div class="card"><h1>Card</h1><p>Hello</p></div>'

    async def test_an_async_layout_gives_an_async_wrapper(self):
        @async_card
        def greeting() -> HtmlString:
            return P("Hello")

        assert await greeting() == '<div class="card"><h1>Card</h1><p>Hello</p></div>'

    async def test_an_async_layout_called_with_content_is_awaited_by_the_caller(self):
        assert await async_card(P("hi")) == '<div class="card"><h1>Card</h1><p>hi</p></div>'


class PageTemplateTests(SimpleTestCase):
    def test_the_title_defaults_to_my_page_as_in_rusty_tags(self):
        page = page_template()
        assert page(P("hi")) == document("MyPage", "<p>hi</p>")

    def test_decorates_a_function_with_its_page_title(self):
        page = page_template("My App")

        @page
        def home() -> HtmlString:
            return Main(H1("Home"))

        assert home() == document("My App", "<main><h1>Home</h1></main>")

    def test_a_title_given_to_the_decorator_wins(self):
        page = page_template("My App")

        @page(title="About")
        def about() -> HtmlString:
            return P("About")

        assert about() == document("About", "<p>About</p>")

    def test_page_keywords_of_rusty_tags_reach_page(self):
        page = page_template(
            "My App",
            hdrs=(Meta(name="author", content="Ada"),),
            ftrs=(Script(src="/app.js"),),
            htmlkw={"data_theme": "dark"},
            bodykw={"cls": "app"},
            datastar=False,
        )
        assert page(P("hi")) == (
            f'<!doctype html><html lang="en-us" data-theme="dark"><head>{HEAD}'
            '<title>My App</title><meta name="author" content="Ada"></head>'
            '<body class="app"><p>hi</p><script src="/app.js"></script></body></html>'
        )

    def test_other_page_keywords_reach_every_page(self):
        page = page_template("My App", lang="fr", id="top")
        assert page(P("hi")).startswith('<!doctype html><html lang="fr">')
        assert '<body id="top"><p>hi</p></body>' in page(P("hi"))

    def test_wrap_in_is_called_on_the_page(self):
        page = page_template("My App")

        @page(wrap_in=HttpResponse)
        def home() -> HtmlString:
            return P("hi")

        response = home()
        assert (type(response), response.content.decode()) == (
            HttpResponse,
            document("My App", "<p>hi</p>"),
        )

    def test_a_decorated_views_request_gives_the_page_its_csrf_token(self):
        page = page_template("My App")
        request = RequestFactory().get("/")

        @page
        def home(request: Any) -> HtmlString:
            return P("hi")

        assert re.search('<meta name="csrf-token" content="[A-Za-z0-9]{64}">', home(request))

    def test_a_request_passed_by_keyword_is_picked_up_too(self):
        page = page_template("My App")

        @page
        def home(*, request: Any) -> HtmlString:
            return P("hi")

        assert '<meta name="csrf-token"' in home(request=RequestFactory().get("/"))

    def test_without_a_request_there_is_no_csrf_token(self):
        page = page_template("My App")

        @page
        def home(name: str) -> HtmlString:
            return P(name)

        assert "csrf" not in home("x")

    def test_a_request_cannot_be_fixed_for_every_page(self):
        with pytest.raises(TypeError) as excinfo:
            page_template("My App", request=RequestFactory().get("/"))
        assert str(excinfo.value) == (
            "page_template() cannot take request=: a template outlives requests, and a page "
            "must never carry another request's CSRF token. Decorate the view (its request is "
            "picked up) or pass request= to each page(...) call."
        )

    async def test_decorates_an_async_view(self):
        page = page_template("My App")

        @page
        async def home() -> HtmlString:
            return P("hi")

        assert await home() == document("My App", "<p>hi</p>")

    def test_the_content_is_escaped(self):
        page = page_template("<App>")
        assert page("<b>") == document("&lt;App&gt;", "&lt;b&gt;")


class TagBuilderTests(SimpleTestCase):
    def test_a_call_renders_the_element_with_the_presets(self):
        card = TagBuilder("div", cls="card")
        assert card("Hello", id="c1") == '<div class="card" id="c1">Hello</div>'

    def test_calls_do_not_accumulate_attributes_as_rusty_tags_builders_do(self):
        ours, theirs = TagBuilder("div"), rusty_tags.Div()
        ours("a", id="c1")
        theirs("a", id="c1")
        assert (ours("b"), str(theirs("b"))) == ("<div>b</div>", '<div id="c1">b</div>')

    def test_keywords_of_a_call_replace_presets(self):
        assert TagBuilder("div", cls="card")(cls="wide") == '<div class="wide"></div>'

    def test_children_and_values_are_escaped(self):
        assert TagBuilder("p", title='"x"')("<b>") == '<p title="&#34;x&#34;">&lt;b&gt;</p>'

    def test_as_markup_it_is_the_empty_element(self):
        card = TagBuilder("div", cls="card")
        assert (str(card), card.render(), card.__html__(), card._repr_html_()) == (
            ('<div class="card"></div>',) * 4
        )

    def test_as_a_child_it_is_the_empty_element(self):
        assert Span(TagBuilder("br")) == "<span><br></span>"

    def test_tag_functions_return_markup_not_a_builder(self):
        assert (Div(), isinstance(Div(), TagBuilder)) == ("<div></div>", False)

    def test_is_immutable(self):
        with pytest.raises(AttributeError) as excinfo:
            TagBuilder("div").tag = "span"
        assert str(excinfo.value) == (
            "TagBuilder is immutable; make a new one: TagBuilder('div', ...)."
        )

    def test_attributes_are_a_read_only_mapping(self):
        card = TagBuilder("div", cls="card")
        with pytest.raises(TypeError):
            card.attributes["cls"] = "x"  # type: ignore[index]
        assert (card.tag, dict(card.attributes)) == ("div", {"cls": "card"})

    def test_a_bad_preset_fails_when_the_builder_is_made(self):
        with pytest.raises(ValueError, match="Invalid attribute name 'a b'"):
            TagBuilder("div", **{"a b": "x"})

    def test_a_void_element_refuses_children(self):
        with pytest.raises(TypeError, match="void element"):
            TagBuilder("br")("x")

    def test_the_tag_must_be_a_str(self):
        with pytest.raises(TypeError) as excinfo:
            TagBuilder(Br)  # type: ignore[arg-type]
        assert str(excinfo.value) == f"TagBuilder() takes a tag name, a str, got {Br!r}."

    def test_the_tag_name_is_validated(self):
        with pytest.raises(ValueError, match="Invalid tag name 'x onload=y'"):
            TagBuilder("x onload=y")

    def test_repr_shows_how_to_make_it(self):
        card = TagBuilder("div", cls="card", **{"@click": "open = true"})
        assert [repr(TagBuilder("br")), repr(card)] == [
            "TagBuilder('br')",
            "TagBuilder('div', cls='card', **{'@click': 'open = true'})",
        ]

    def test_pickles_and_copies(self):
        card = TagBuilder("div", cls="card")
        copies = [pickle.loads(pickle.dumps(card)), copy.copy(card), copy.deepcopy(card)]
        assert [c("x") for c in copies] == ['<div class="card">x</div>'] * 3
