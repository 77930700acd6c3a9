"""Action parameters from the query string, JSON and form bodies, and Datastar signals."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse

from tests.nitro_dispatch.test_dispatcher import error_event, url
from tests.todos.entities import Todo

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


ECHO = reverse("nitro:todo-echo")


def details(response: Any) -> list[dict[str, Any]]:
    return response.json()["error"]["details"]  # type: ignore[no-any-return]


class UnstorableInputTests(TestCase):
    """What no column could store is a 422, wherever it is in a parameter."""

    def test_null_character_in_a_string(self):
        response = self.client.get(SEARCH, {"q": "a\x00b"})
        assert (response.status_code, details(response)) == (
            422,
            [{"loc": ["q"], "msg": "Null characters are not allowed", "type": "null_character"}],
        )

    def test_null_character_in_a_list_item(self):
        response = self.client.get(SEARCH + "?tags=ok&tags=%00")
        assert details(response) == [
            {"loc": ["tags", 1], "msg": "Null characters are not allowed", "type": "null_character"}
        ]

    def test_null_character_in_a_nested_model(self):
        response = self.client.post(
            TAGGED, {"tag": {"name": "\x00"}}, content_type="application/json"
        )
        assert details(response) == [
            {
                "loc": ["tag", "name"],
                "msg": "Null characters are not allowed",
                "type": "null_character",
            }
        ]

    def test_null_character_in_a_key_of_free_json(self):
        response = self.client.post(ECHO, {"data": {"k\x00": 1}}, content_type="application/json")
        assert details(response) == [
            {
                "loc": ["data", "k\x00"],
                "msg": "Null characters are not allowed",
                "type": "null_character",
            }
        ]

    def test_null_character_in_a_dataclass(self):
        response = self.client.post(
            reverse("nitro:todo-place"), {"spot": {"name": "\x00"}}, content_type="application/json"
        )
        assert details(response) == [
            {
                "loc": ["spot", "name"],
                "msg": "Null characters are not allowed",
                "type": "null_character",
            }
        ]

    def test_unpaired_surrogate_from_json(self):
        response = self.client.post(
            ECHO, '{"data": {"a": "\\ud800"}}', content_type="application/json"
        )
        assert details(response) == [
            {
                "loc": ["data", "a"],
                "msg": "Unpaired surrogates are not allowed",
                "type": "surrogate_character",
            }
        ]

    def test_integer_beyond_64_bits(self):
        response = self.client.get(SEARCH, {"limit": str(2**63)})
        assert details(response) == [
            {
                "loc": ["limit"],
                "msg": "Input should be less than or equal to 9223372036854775807",
                "type": "less_than_equal",
            }
        ]

    def test_integer_below_64_bits(self):
        response = self.client.post(
            ECHO, {"data": {"n": -(2**63) - 1}}, content_type="application/json"
        )
        assert details(response) == [
            {
                "loc": ["data", "n"],
                "msg": "Input should be greater than or equal to -9223372036854775808",
                "type": "greater_than_equal",
            }
        ]

    def test_largest_64_bit_integer_is_taken(self):
        assert self.client.get(SEARCH, {"limit": str(2**63 - 1)}).json()["limit"] == 2**63 - 1

    def test_infinite_float(self):
        response = self.client.post(ECHO, '{"ratio": 1e400}', content_type="application/json")
        assert details(response) == [
            {"loc": ["ratio"], "msg": "Input should be a finite number", "type": "finite_number"}
        ]

    def test_infinite_float_in_free_json(self):
        response = self.client.post(
            ECHO, '{"data": {"x": [1e400]}}', content_type="application/json"
        )
        assert details(response) == [
            {
                "loc": ["data", "x", 0],
                "msg": "Input should be a finite number",
                "type": "finite_number",
            }
        ]

    def test_errors_are_in_order(self):
        response = self.client.post(
            ECHO, {"data": {"b": "\x00", "a": "\x00"}}, content_type="application/json"
        )
        assert [error["loc"] for error in details(response)] == [["data", "a"], ["data", "b"]]


class UnreadableJsonTests(TestCase):
    def test_nan_is_not_json(self):
        response = self.client.post(ECHO, '{"ratio": NaN}', content_type="application/json")
        assert (response.status_code, response.json()["error"]["message"]) == (
            400,
            "Invalid JSON in the JSON body: NaN is not JSON.",
        )

    def test_json_nested_too_deeply_in_the_body(self):
        body = '{"data": ' + "[" * 100_000 + "]" * 100_000 + "}"
        response = self.client.post(ECHO, body, content_type="application/json", headers=DS)
        assert response.content == error_event(
            400, "bad_request", "Invalid JSON in the JSON body: nested too deeply."
        )

    def test_json_nested_too_deeply_in_the_datastar_parameter(self):
        signals = '{"q": ' + "[" * 100_000 + "]" * 100_000 + "}"
        response = self.client.get(SEARCH, {"datastar": signals})
        assert (response.status_code, response.json()["error"]["message"]) == (
            400,
            "Invalid JSON in the 'datastar' parameter: nested too deeply.",
        )

    def test_deep_json_that_can_be_read_is_taken(self):
        body = '{"data": {"x": ' + "[" * 200 + "]" * 200 + "}}"
        response = self.client.post(ECHO, body, content_type="application/json")
        assert response.status_code == 200


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100, DATA_UPLOAD_MAX_NUMBER_FIELDS=3)
class RequestLimitTests(TestCase):
    def test_body_too_large_for_datastar(self):
        response = self.client.post(
            ECHO, json.dumps({"data": {"x": "y" * 200}}), content_type="application/json",
            headers=DS,
        )  # fmt: skip
        assert response.content == error_event(
            400,
            "bad_request",
            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.",
        )

    def test_body_too_large_for_a_plain_client(self):
        response = self.client.post(
            ECHO, json.dumps({"data": {"x": "y" * 200}}), content_type="application/json"
        )
        assert (response.status_code, response.json()["error"]["type"]) == (400, "bad_request")

    def test_too_many_fields(self):
        response = self.client.post(reverse("nitro:todo-add"), {f"f{n}": "x" for n in range(5)})
        assert (response.status_code, response.json()["error"]["message"]) == (
            400,
            "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.",
        )

    def test_refusal_is_logged_as_django_logs_it(self):
        with self.assertLogs("django.security.RequestDataTooBig", "WARNING") as logs:
            self.client.post(
                ECHO, json.dumps({"data": {"x": "y" * 200}}), content_type="application/json"
            )
        assert logs.records[0].getMessage() == (
            "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."
        )


class FormParameterTests(TestCase):
    """A parameter annotated with a Django form class gets the form bound to the request."""

    def test_form_fields_bind_the_form(self):
        response = self.client.post(url("todo-add_from_form"), {"title": "From a form"})
        assert (response.json(), Todo.count()) == (
            {"created": "From a form", "attachment": None},
            1,
        )

    def test_an_invalid_form_reaches_the_action_with_its_errors(self):
        response = self.client.post(url("todo-add_from_form"), {"title": "x" * 21, "note": "n"})
        assert (response.status_code, response.json(), Todo.count()) == (
            200,
            {
                "errors": {
                    "title": [
                        {
                            "message": "Ensure this value has at most 20 characters (it has 21).",
                            "code": "max_length",
                        }
                    ]
                },
                "note": "n",
            },
            0,
        )

    def test_datastar_signals_bind_the_form(self):
        response = self.client.post(
            url("todo-add_from_form"),
            {"title": "Signal", "other": 1},
            content_type="application/json",
        )
        assert response.json() == {"created": "Signal", "attachment": None}

    def test_uploaded_files_bind_the_form(self):
        upload = SimpleUploadedFile("notes.txt", b"hello")
        response = self.client.post(
            url("todo-add_from_form"), {"title": "Filed", "attachment": upload}
        )
        assert response.json() == {"created": "Filed", "attachment": "notes.txt"}

    def test_a_nul_character_is_a_form_error_not_a_500(self):
        response = self.client.post(url("todo-add_from_form"), {"title": "a\x00b"})
        assert response.json()["errors"]["title"][0]["code"] == "null_characters_not_allowed"

    def test_a_get_binds_the_form_to_the_signals(self):
        response = self.client.get(url("todo-preview_form"), {"datastar": '{"title": "ok"}'})
        assert response.json() == {"bound": True, "valid": True}

    def test_a_get_without_signals_binds_the_form_to_the_query_string(self):
        response = self.client.get(url("todo-preview_form"), {"title": ""})
        assert response.json() == {"bound": True, "valid": False}
