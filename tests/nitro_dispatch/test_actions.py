"""The @action decorator."""

from __future__ import annotations

import pytest
from django.test import SimpleTestCase

from nitro_dispatch import action, get_action_metadata
from tests.todos.entities import Todo


class ActionTests(SimpleTestCase):
    def test_function_is_returned_unchanged(self):
        def go(self: object) -> None:
            pass

        assert action()(go) is go

    def test_metadata(self):
        metadata = get_action_metadata(Todo.toggle)
        assert metadata is not None
        assert (metadata.method, metadata.status_code, metadata.summary, metadata.is_async) == (
            "POST",
            200,
            "Toggle",
            False,
        )

    def test_metadata_of_a_classmethod(self):
        assert get_action_metadata(Todo.open_count).method == "GET"  # type: ignore[union-attr]

    def test_async_is_detected(self):
        assert get_action_metadata(Todo.async_count).is_async is True  # type: ignore[union-attr]

    def test_description_is_the_docstring(self):
        def documented(self: object) -> None:
            """Does a thing."""

        assert get_action_metadata(action()(documented)).description == "Does a thing."  # type: ignore[union-attr]

    def test_method_is_upper_cased(self):
        def go(self: object) -> None:
            pass

        assert get_action_metadata(action("patch")(go)).method == "PATCH"  # type: ignore[union-attr]

    def test_unknown_method_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            action("FETCH")
        assert str(excinfo.value) == (
            "Unsupported HTTP method 'FETCH' for @action; use one of: GET, POST, PUT, PATCH, "
            "DELETE."
        )

    def test_bad_status_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            action(status_code=42)
        assert str(excinfo.value) == "@action status_code must be an HTTP status (100-599), not 42."

    def test_bad_permission_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            action(permission=42)  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "@action permission must be a permission name or a callable, not 42."
        )

    def test_not_a_function(self):
        with pytest.raises(TypeError):
            action()(42)

    def test_plain_function_has_no_metadata(self):
        assert get_action_metadata(len) is None
