"""Nitro 0.3.0's action API, ported by changing imports: what matches, and what differs on
purpose (each test named ``..._differs_...`` asserts the documented difference)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse

import nitro_dispatch
from nitro_dispatch import ActionMetadata, get_action_metadata
from nitro_dispatch.dispatcher import Route
from tests.ported_actions.entities import Gadget, Quota


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"nitro:{name}", kwargs=kwargs)


class NamesTests(SimpleTestCase):
    def test_nitros_routing_names_are_exported(self):
        # nitro exports action, get, post, put, delete and ActionMetadata; nitro.routing adds
        # get_action_metadata and has_action_metadata.
        names = ["action", "get", "post", "put", "delete", "ActionMetadata",
                 "get_action_metadata", "has_action_metadata"]  # fmt: skip
        assert [name for name in names if name not in nitro_dispatch.__all__] == []

    def test_metadata_is_stored_under_nitros_attribute(self):
        assert isinstance(Gadget.show.__dict__["_nitro_action_metadata"], ActionMetadata)

    def test_metadata_has_nitros_fields(self):
        fields = ["method", "path", "status_code", "summary", "description", "tags",
                  "response_model", "function_name", "entity_class_name", "is_async",
                  "parameters", "requires_auth", "rate_limit", "cache_ttl"]  # fmt: skip
        assert list(ActionMetadata.__dataclass_fields__)[: len(fields)] == fields


class DecoratorTests(SimpleTestCase):
    def test_shortcut_defaults(self):
        # Nitro: delete answers 204, the others 200; post is the default method.
        def go(self: object) -> None:
            pass

        defaults = [
            (get_action_metadata(shortcut()(go)).method,  # type: ignore[union-attr]
             get_action_metadata(shortcut()(go)).status_code)  # type: ignore[union-attr]
            for shortcut in (nitro_dispatch.get, nitro_dispatch.post, nitro_dispatch.put,
                             nitro_dispatch.delete, nitro_dispatch.action)
        ]  # fmt: skip
        assert defaults == [("GET", 200), ("POST", 200), ("PUT", 200), ("DELETE", 204),
                            ("POST", 200)]  # fmt: skip

    def test_summary_defaults_to_the_name_in_title_case(self):
        assert get_action_metadata(Gadget.bulk_add).summary == "Bulk Add"  # type: ignore[union-attr]

    def test_action_stays_callable(self):
        # Nitro: "The function can still be called normally: counter.increment()".
        assert Gadget(id="g", name="n").summary() == {"summary": "n (g)"}

    def test_method_is_upper_cased(self):
        def go(self: object) -> None:
            pass

        assert get_action_metadata(nitro_dispatch.action("put")(go)).method == "PUT"  # type: ignore[union-attr]

    def test_head_and_options_differ_they_are_answered_for_you(self):
        # Nitro accepts @action("HEAD") and @action("OPTIONS"); here a GET action answers HEAD
        # and every URL answers OPTIONS, as Django's class-based views do.
        with pytest.raises(ValueError):
            nitro_dispatch.action("HEAD")


class UrlTests(SimpleTestCase):
    def test_instance_action(self):
        assert url("gadget-show", id="g1") == "/api/gadget/g1/show"

    def test_class_action(self):
        assert url("gadget-listed") == "/api/gadget/listed"

    def test_one_segment_path_replaces_the_name(self):
        assert url("gadget-forget", id="g1") == "/api/gadget/g1/forget"

    def test_path_of_several_segments_is_the_whole_url(self):
        assert url("gadget-bulk_add") == "/api/gadgets/bulk/add"

    def test_path_of_several_segments_with_the_id(self):
        # In Nitro, FastAPI and Flask fill {id} of such a path too.
        assert url("gadget-summary", id="g1") == "/api/gadgets/g1/summary"

    def test_instance_path_without_id_differs_it_is_refused_when_routed(self):
        # Nitro routes it, then answers every request 400 missing_entity_id.
        metadata = ActionMetadata(method="POST", path="/ops/add", function_name="add")
        route = Route(Gadget, Gadget.rename, metadata, "instance")
        with pytest.raises(ImproperlyConfigured) as excinfo:
            route.route  # noqa: B018
        assert "has no {id} for the entity's id" in str(excinfo.value)


class ResponseShapeTests(TestCase):
    """What a plain (non-Datastar) client gets, as Nitro's format_response documents it."""

    def setUp(self):
        self.gadget = Gadget.create(id="g1", name="lamp")

    def test_none_is_a_success_message(self):
        response = self.client.get(url("gadget-nothing", id="g1"))
        assert (response.status_code, response.json()) == (
            200,
            {"status": "success", "message": "nothing completed"},
        )

    def test_dict_as_it_is(self):
        response = self.client.post(url("gadget-rename", id="g1"), {"name": "desk"})
        assert (response.status_code, response.json()) == (201, {"name": "desk"})

    def test_entity_is_its_model_dump(self):
        response = self.client.get(url("gadget-show", id="g1"))
        assert response.json() == {"id": "g1", "name": "lamp"}

    def test_list_of_entities_is_a_list_of_dumps(self):
        # Nitro documents the list; its FastAPI and Flask adapters format the result twice and
        # send {"result": [...]} instead.
        Gadget.create(id="g2", name="desk")
        response = self.client.get(url("gadget-listed"))
        assert response.json() == [{"id": "g1", "name": "lamp"}, {"id": "g2", "name": "desk"}]

    def test_string_is_a_result(self):
        assert self.client.get(url("gadget-text")).json() == {"result": "<b>not markup</b>"}

    def test_number_is_a_result(self):
        assert self.client.get(url("gadget-number")).json() == {"result": 5}

    def test_empty_list_differs_it_is_a_list(self):
        # Nitro answers {"result": []} for an empty list (its test is "a list whose first item
        # has model_dump"), so a client got two shapes from one action.
        assert self.client.get(url("gadget-empty")).json() == []

    def test_delete_without_an_answer_differs_no_body(self):
        # Nitro sends its success message with the 204; HTTP forbids a body there.
        response = self.client.delete(url("gadget-discard", id="g1"))
        assert (response.status_code, response.content, Gadget.count()) == (204, b"", 0)


class ErrorShapeTests(TestCase):
    def test_missing_entity(self):
        response = self.client.get(url("gadget-show", id="nope"))
        assert (response.status_code, response.json()) == (
            404,
            {
                "error": {
                    "type": "entity_not_found",
                    "message": "Gadget with id 'nope' not found.",
                    "status_code": 404,
                    "details": [],
                }
            },
        )

    def test_invalid_parameters(self):
        Gadget.create(id="g1")
        response = self.client.post(url("gadget-rename", id="g1"), {})
        assert (response.status_code, response.json()["error"]["type"]) == (
            422,
            "validation_error",
        )

    def test_exception_differs_its_text_is_kept_from_the_client(self):
        # Nitro answers "Internal server error: <the exception's text>" to anyone; here only
        # under DEBUG, and the traceback is logged as Django logs one.
        client = Client(raise_request_exception=False)
        with self.assertLogs("django.request", "ERROR"):
            response = client.post(url("gadget-boom"))
        assert (response.status_code, response.json()["error"]) == (
            500,
            {
                "type": "internal_error",
                "message": "The action failed on the server.",
                "status_code": 500,
                "details": [],
            },
        )

    def test_type_error_in_an_action_differs_it_is_internal(self):
        # Nitro maps any TypeError to 422 validation_error; here parameters are validated
        # before the call, so a TypeError inside the action is a bug of the action.
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get(url("gadget-wrong_call"))
        assert (response.status_code, response.json()["error"]["type"]) == (500, "internal_error")


class FuturePhasesTests(TestCase):
    """requires_auth, rate_limit and cache_ttl: stored and ignored by Nitro, enforced here."""

    def test_requires_auth_differs_it_signs_in(self):
        Gadget.create(id="g1")
        response = self.client.post(url("gadget-claim", id="g1"))
        assert (response.status_code, response["Location"]) == (302, "/login/")

    def test_requires_auth_lets_users_in(self):
        Gadget.create(id="g1")
        self.client.force_login(User.objects.create_user("ann"))
        assert self.client.post(url("gadget-claim", id="g1")).json() == {"claimed": "g1"}

    def test_rate_limit_differs_it_answers_429(self):
        from django.core.cache import cache

        cache.clear()
        self.addCleanup(cache.clear)
        statuses = [self.client.post(url("quota-poke")).status_code for _ in range(2)]
        assert statuses == [200, 429]

    def test_rate_limit_keeps_nitros_value(self):
        assert get_action_metadata(Quota.ping).rate_limit == "2/minute"  # type: ignore[union-attr]


class DatastarTests(TestCase):
    def test_scalar_is_the_result_signal_nitros_json_would_have_set(self):
        # A Datastar client applies a JSON answer as a signals patch: Nitro's {"result": 5}.
        response = self.client.get(url("gadget-number"), headers={"Datastar-Request": "true"})
        assert response.content == b'event: datastar-patch-signals\ndata: signals {"result":5}\n\n'

    def test_list_of_entities_is_the_result_signal(self):
        Gadget.create(id="g1", name="lamp")
        response = self.client.get(url("gadget-listed"), headers={"Datastar-Request": "true"})
        signals = json.loads(response.content.decode().split("data: signals ")[1])
        assert signals == {"result": [{"id": "g1", "name": "lamp"}]}
