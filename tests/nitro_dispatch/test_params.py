"""Action parameters from the query string, JSON and form bodies, and Datastar signals."""

from __future__ import annotations

import json

from django.test import TestCase
from django.urls import reverse

SEARCH = reverse("nitro:todo-search")
TAGGED = reverse("nitro:todo-tagged")
DS = {"Datastar-Request": "true"}


class QueryStringTests(TestCase):
    def test_defaults(self):
        assert self.client.get(SEARCH).json() == {"q": "", "tags": None, "limit": 10, "done": None}

    def test_values_are_coerced(self):
        response = self.client.get(SEARCH, {"q": "milk", "limit": "3", "done": "true"})
        assert response.json() == {"q": "milk", "tags": None, "limit": 3, "done": True}

    def test_repeated_key_is_a_list(self):
        response = self.client.get(SEARCH + "?tags=a&tags=b")
        assert response.json()["tags"] == ["a", "b"]

    def test_single_value_of_a_list_parameter_is_a_list(self):
        assert self.client.get(SEARCH + "?tags=a").json()["tags"] == ["a"]

    def test_unknown_keys_are_ignored(self):
        assert self.client.get(SEARCH, {"other": "x"}).status_code == 200

    def test_bad_value_is_422(self):
        response = self.client.get(SEARCH, {"limit": "many"})
        assert (response.status_code, response.json()["error"]["details"]) == (
            422,
            [
                {
                    "loc": ["limit"],
                    "msg": "Input should be a valid integer, unable to parse string as an integer",
                    "type": "int_parsing",
                }
            ],
        )


class BodyTests(TestCase):
    def test_json_body_with_a_nested_model(self):
        response = self.client.post(
            TAGGED,
            {"tag": {"name": "x", "weight": "2"}, "other": 1},
            content_type="application/json",
        )
        assert response.json() == {"tag": {"name": "x", "weight": 2}, "method": "POST"}

    def test_json_body_with_charset(self):
        response = self.client.post(
            TAGGED,
            json.dumps({"tag": {"name": "x"}}),
            content_type="application/json; charset=utf-8",
        )
        assert response.json()["tag"] == {"name": "x", "weight": 1}

    def test_body_wins_over_the_query_string(self):
        response = self.client.post(
            TAGGED + "?tag=ignored", {"tag": {"name": "body"}}, content_type="application/json"
        )
        assert response.json()["tag"]["name"] == "body"

    def test_form_body(self):
        response = self.client.post(reverse("nitro:todo-add"), {"title": "From a form"})
        assert response.status_code == 201

    def test_request_cannot_be_set_by_the_client(self):
        response = self.client.post(
            TAGGED, {"tag": {"name": "x"}, "request": "spoofed"}, content_type="application/json"
        )
        assert response.json()["method"] == "POST"

    def test_body_of_another_type_is_not_read(self):
        response = self.client.post(TAGGED, '{"tag": {"name": "x"}}', content_type="text/plain")
        assert (response.status_code, response.json()["error"]["details"]) == (
            422,
            [{"loc": ["tag"], "msg": "Field required", "type": "missing"}],
        )

    def test_nested_model_errors_name_the_field(self):
        response = self.client.post(TAGGED, {"tag": {"weight": 1}}, content_type="application/json")
        assert response.json()["error"]["details"] == [
            {"loc": ["tag", "name"], "msg": "Field required", "type": "missing"}
        ]


class NoParameterTests(TestCase):
    def test_action_without_parameters_leaves_the_body_alone(self):
        from tests.todos.entities import Todo

        todo = Todo.create(title="t")
        url = reverse("nitro:todo-toggle", kwargs={"id": todo.id})
        response = self.client.post(url, "{not json", content_type="application/json")
        assert response.status_code == 200


class DatastarSignalsTests(TestCase):
    def test_get_reads_the_datastar_parameter(self):
        signals = json.dumps({"q": "from signals", "limit": 2, "unrelated": {"a": 1}})
        response = self.client.get(SEARCH, {"datastar": signals}, headers=DS)
        assert response.content == (
            b'event: datastar-patch-signals\ndata: signals {"q":"from signals","tags":null,'
            b'"limit":2,"done":null}\n\n'
        )

    def test_invalid_datastar_parameter_is_400(self):
        response = self.client.get(SEARCH, {"datastar": "{nope"})
        assert (response.status_code, response.json()["error"]["type"]) == (400, "bad_request")

    def test_post_reads_the_json_body(self):
        response = self.client.post(
            TAGGED,
            {"tag": {"name": "s"}, "every": "signal"},
            content_type="application/json",
            headers=DS,
        )
        assert b'"tag":{"name":"s","weight":1}' in response.content
