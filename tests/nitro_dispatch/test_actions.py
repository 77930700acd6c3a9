"""The @action decorator, its shortcuts and ActionMetadata."""

from __future__ import annotations

import inspect
from typing import Any

import pytest
from django.test import SimpleTestCase

from nitro_dispatch import (
    ActionMetadata,
    action,
    delete,
    get,
    get_action_metadata,
    has_action_metadata,
    post,
    put,
)
from tests.ported_actions.entities import Gadget, Point
from tests.todos.entities import Todo


def metadata_of(decorator: Any) -> ActionMetadata:
    def go(self: object, amount: int, note: str = "") -> None:
        """Does a thing."""

    metadata = get_action_metadata(decorator(go))
    assert metadata is not None
    return metadata


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
        assert metadata_of(action()).description == "Does a thing."

    def test_method_is_upper_cased(self):
        assert metadata_of(action("patch")).method == "PATCH"

    def test_positional_parameters_in_nitros_order(self):
        metadata = metadata_of(action("GET", "/x", Point, 201, ["t"], "S", "D", True, "5/m", 9))
        assert (
            metadata.method,
            metadata.path,
            metadata.response_model,
            metadata.status_code,
            metadata.tags,
            metadata.summary,
            metadata.description,
            metadata.requires_auth,
            metadata.rate_limit,
            metadata.cache_ttl,
        ) == ("GET", "/x", Point, 201, ["t"], "S", "D", True, "5/m", 9)

    def test_requires_auth_is_login_required(self):
        metadata = metadata_of(action(requires_auth=True))
        assert (metadata.requires_auth, metadata.login_required) == (True, True)

    def test_login_required_is_requires_auth(self):
        metadata = metadata_of(action(login_required=True))
        assert (metadata.requires_auth, metadata.login_required) == (True, True)

    def test_entity_class_name_is_the_class_defining_the_method(self):
        assert get_action_metadata(Gadget.show).entity_class_name == "Gadget"  # type: ignore[union-attr]

    def test_entity_class_name_of_a_function_outside_a_class_is_empty(self):
        assert metadata_of(action()).entity_class_name == ""

    def test_parameters_are_recorded_with_their_defaults(self):
        assert metadata_of(action()).parameters == {
            "self": {"annotation": "object", "default": inspect.Parameter.empty,
                     "kind": "POSITIONAL_OR_KEYWORD"},
            "amount": {"annotation": "int", "default": inspect.Parameter.empty,
                       "kind": "POSITIONAL_OR_KEYWORD"},
            "note": {"annotation": "str", "default": "", "kind": "POSITIONAL_OR_KEYWORD"},
        }  # fmt: skip

    def test_has_action_metadata(self):
        assert (has_action_metadata(Todo.toggle), has_action_metadata(len)) == (True, False)

    def test_plain_function_has_no_metadata(self):
        assert get_action_metadata(len) is None

    def test_not_a_function(self):
        with pytest.raises(TypeError) as excinfo:
            action()(42)
        assert str(excinfo.value) == "@action decorates a method, not 42."


class ActionValidationTests(SimpleTestCase):
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

    def test_metadata_built_directly_is_checked_too(self):
        with pytest.raises(ValueError) as excinfo:
            ActionMetadata(method="TRACE")
        assert str(excinfo.value).startswith("Unsupported HTTP method 'TRACE' for @action")

    def test_bad_rate_limit_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            action(rate_limit="often")
        assert str(excinfo.value) == (
            "@action rate_limit='often' is not a rate: write requests/period, as '10/minute', "
            "'100/hour' or '5/10s' (periods in s, m, h or d), or a number of requests per minute."
        )

    def test_cache_ttl_must_be_a_positive_number_of_seconds(self):
        with pytest.raises(ValueError) as excinfo:
            action("GET", cache_ttl=0)
        assert str(excinfo.value) == "@action cache_ttl is a number of seconds (1 or more), not 0."

    def test_cache_ttl_is_for_get_actions_only(self):
        with pytest.raises(ValueError) as excinfo:
            action("POST", cache_ttl=30)
        assert str(excinfo.value) == (
            "@action cache_ttl=30 caches GET actions only, and this one is POST: an answer to a "
            "request that changes data cannot be reused."
        )


class PathValidationTests(SimpleTestCase):
    def test_path_must_be_a_string(self):
        with pytest.raises(TypeError) as excinfo:
            action(path=["ops", "add"])  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            "@action path must be a string such as 'add' or '/ops/add', not ['ops', 'add']."
        )

    def test_path_of_no_segment(self):
        with pytest.raises(ValueError) as excinfo:
            action(path="/")
        assert str(excinfo.value) == (
            "@action path='/' names no URL: give a segment ('add') or a path ('/ops/add')."
        )

    def test_path_with_an_empty_segment(self):
        with pytest.raises(ValueError) as excinfo:
            action(path="/ops//add")
        assert str(excinfo.value) == (
            "@action path='/ops//add' has an empty segment: remove the doubled '/'."
        )

    def test_path_with_a_django_converter(self):
        with pytest.raises(ValueError) as excinfo:
            action(path="/ops/<int:id>/add")
        assert str(excinfo.value) == (
            "@action path='/ops/<int:id>/add' may hold one placeholder, {id} as a whole segment "
            "of a path of several segments ('/ops/{id}/add'), and no other '<', '>', '{' or '}'."
        )

    def test_path_with_another_placeholder(self):
        with pytest.raises(ValueError):
            action(path="/ops/{slug}/add")

    def test_path_with_two_ids(self):
        with pytest.raises(ValueError):
            action(path="/ops/{id}/{id}")

    def test_id_alone_is_not_a_path(self):
        with pytest.raises(ValueError):
            action(path="{id}")


class ShortcutTests(SimpleTestCase):
    def test_get(self):
        metadata = metadata_of(get("/x", Point, "S", "D", status_code=203))
        shown = (metadata.method, metadata.path, metadata.response_model, metadata.summary)
        assert (*shown, metadata.description, metadata.status_code) == (
            "GET",
            "/x",
            Point,
            "S",
            "D",
            203,
        )

    def test_post(self):
        metadata = metadata_of(post("/x", Point, 201, "S", "D"))
        shown = (metadata.method, metadata.path, metadata.response_model, metadata.status_code)
        assert (*shown, metadata.summary, metadata.description) == (
            "POST",
            "/x",
            Point,
            201,
            "S",
            "D",
        )

    def test_put(self):
        metadata = metadata_of(put("/x", Point, "S", "D"))
        assert (metadata.method, metadata.path, metadata.status_code, metadata.summary) == (
            "PUT",
            "/x",
            200,
            "S",
        )

    def test_delete_answers_204(self):
        metadata = metadata_of(delete())
        assert (metadata.method, metadata.status_code) == ("DELETE", 204)

    def test_delete_positional_status(self):
        assert metadata_of(delete("/x", 200)).status_code == 200

    def test_shortcuts_pass_the_django_options_on(self):
        metadata = metadata_of(post(tags=["a"], rate_limit=3, login_required=True,
                                    permission="todos.change_todo"))  # fmt: skip
        assert (metadata.tags, metadata.rate_limit, metadata.login_required,
                metadata.permission) == (["a"], 3, True, "todos.change_todo")  # fmt: skip

    def test_get_may_cache(self):
        assert metadata_of(get(cache_ttl=5)).cache_ttl == 5

    def test_post_may_not_cache(self):
        with pytest.raises(ValueError):
            post(cache_ttl=5)
