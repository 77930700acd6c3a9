"""The @component marker."""

from __future__ import annotations

import functools
from typing import Any

import pytest
from django.test import SimpleTestCase

from rustytags_backend import component
from rustytags_backend.decorators import spec_of


class ComponentTests(SimpleTestCase):
    def test_function_is_returned_unchanged(self):
        def page() -> str:
            return "x"

        assert component(page) is page

    def test_function_with_names_is_returned_unchanged(self):
        def page() -> str:
            return "x"

        assert component("a.html")(page) is page

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
