"""The @component marker."""

from __future__ import annotations

import functools
import inspect
from typing import Any

import pytest
import rusty_tags
from django.test import SimpleTestCase
from django.utils.safestring import SafeString, mark_safe

from rustytags_backend import component
from rustytags_backend._html_string import HtmlString
from rustytags_backend.decorators import as_markup, spec_of
from rustytags_backend.html import P


class WrapperTests(SimpleTestCase):
    def test_component_keeps_the_functions_name_and_doc(self):
        def page(title: str = "t") -> str:
            """The page."""
            return title

        marked = component(page)
        assert (marked.__name__, marked.__doc__, marked.__wrapped__) == ("page", "The page.", page)  # type: ignore[attr-defined]

    def test_component_keeps_the_functions_signature(self):
        @component("a.html")
        def page(title: str, *, count: int = 1) -> str:
            return title

        assert list(inspect.signature(page).parameters) == ["title", "count"]

    def test_spec_holds_the_function_as_written(self):
        def page() -> str:
            return "x"

        assert spec_of(component(page)).function is page  # type: ignore[union-attr]


class DirectCallTests(SimpleTestCase):
    """Called directly, a component gives what the engine would render."""

    def test_markup_is_returned(self):
        @component
        def page(name: str) -> str:
            return P("Hi ", name)

        html = page("<Ann>")
        assert (html, type(html)) == ("<p>Hi &lt;Ann&gt;</p>", HtmlString)

    def test_plain_str_is_escaped(self):
        @component("x.html")
        def page() -> str:
            return "<b>text</b>"

        assert page() == "&lt;b&gt;text&lt;/b&gt;"

    def test_none_is_empty_markup(self):
        @component
        def page() -> None:
            return None

        assert (page(), type(page())) == ("", HtmlString)

    def test_rusty_tags_output_is_refused(self):
        @component
        def page(name: str) -> object:
            return rusty_tags.P(name)

        with pytest.raises(TypeError) as excinfo:
            page("<script>alert(1)</script>")
        assert str(excinfo.value) == (
            "Cannot render the rusty_tags.core.HtmlString '<p><script>alert(1)</script></p>': "
            "rusty-tags escapes nothing, so user data in it would be live HTML. Port the code "
            "that built it: import the tags from rustytags_backend.html in place of rusty_tags "
            "or nitro (from rustytags_backend.html import Div, not from rusty_tags import Div or "
            "from nitro import Div), and rusty_tags.datastar from rustytags_backend.html.datastar."
        )

    def test_rusty_tags_output_of_a_named_component_is_refused(self):
        @component("x.html")
        def page() -> object:
            return [P("ours"), rusty_tags.P("theirs")]

        with pytest.raises(TypeError):
            page()


class AsMarkupTests(SimpleTestCase):
    def test_html_string_is_kept(self):
        html = P("x")
        assert as_markup(html) is html

    def test_safestring_is_kept(self):
        safe = mark_safe("<hr>")
        assert as_markup(safe) is safe

    def test_other_markup_becomes_an_html_string(self):
        class Trusted:
            def __html__(self) -> str:
                return "<i>t</i>"

        html = as_markup(Trusted())
        assert (html, type(html)) == ("<i>t</i>", HtmlString)

    def test_list_is_flattened(self):
        assert as_markup(["<", P("p"), None, 1]) == "&lt;<p>p</p>1"

    def test_result_is_a_safestring(self):
        assert isinstance(as_markup("x"), SafeString)


class ComponentTests(SimpleTestCase):
    def test_empty_parentheses_mark_without_names(self):
        @component()
        def page() -> str:
            return ""

        assert spec_of(page).names == ()  # type: ignore[union-attr]

    def test_spec_records_parameters(self):
        @component("x/y.html")
        def page(a: int, b: int = 2, **rest: Any) -> str:
            return ""

        spec = spec_of(page)
        assert spec is not None
        assert (spec.names, spec.parameters, spec.required, spec.takes_context, spec.path) == (
            ("x/y.html",),
            ("a", "b"),
            ("a",),
            True,
            f"{__name__}:ComponentTests.test_spec_records_parameters.<locals>.page",
        )

    def test_keyword_only_parameters_are_allowed(self):
        @component
        def page(*, a: int) -> str:
            return ""

        assert spec_of(page).required == ("a",)  # type: ignore[union-attr]

    def test_positional_only_parameter_is_refused(self):
        with pytest.raises(TypeError) as excinfo:

            @component
            def page(a: int, /) -> str:
                return ""

        assert str(excinfo.value) == (
            "Component 'ComponentTests.test_positional_only_parameter_is_refused.<locals>.page' "
            "has parameter 'a' that cannot be passed by keyword; components receive the context "
            "as keyword arguments."
        )

    def test_var_positional_parameter_is_refused(self):
        with pytest.raises(TypeError):

            @component
            def page(*args: Any) -> str:
                return ""

    def test_name_must_be_a_string(self):
        with pytest.raises(TypeError) as excinfo:
            component("a.html", 3)  # type: ignore[call-overload]
        assert str(excinfo.value) == (
            "@component takes template names (non-empty strings), got 3; write @component or "
            "@component('app/name.html')."
        )

    def test_name_must_not_be_empty(self):
        with pytest.raises(TypeError):
            component("")

    def test_wrapper_of_a_component_is_not_a_component(self):
        @component
        def page() -> str:
            return ""

        @functools.wraps(page)
        def wrapper() -> str:
            return page()

        assert (spec_of(page) is not None, spec_of(wrapper)) == (True, None)

    def test_plain_function_has_no_spec(self):
        assert spec_of(len) is None
