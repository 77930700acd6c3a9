"""Entity actions as Django views, through the test client and the whole middleware stack."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, SimpleTestCase, TestCase
from django.urls import reverse

from nitro_dispatch import ActionMetadata, DjangoDispatcher, datastar_action
from nitro_dispatch.dispatcher import Route
from tests.ported_actions.entities import Gadget
from tests.todos.entities import Todo

DS = {"Datastar-Request": "true"}


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"nitro:{name}", kwargs=kwargs)


def error_event(status: int, kind: str, message: str, details: list[Any] | None = None) -> bytes:
    error = {"type": kind, "message": message, "status_code": status, "details": details or []}
    signals = json.dumps({"_nitroError": error}, separators=(",", ":"), ensure_ascii=False)
    return f"event: datastar-patch-signals\ndata: signals {signals}\n\n".encode()


class RoutingTests(TestCase):
    def test_instance_action_url(self):
        assert url("todo-toggle", id="abc") == "/api/todo/abc/toggle"

    def test_class_action_url(self):
        assert url("todo-open_count") == "/api/todo/open_count"

    def test_static_action_url(self):
        assert url("todo-version") == "/api/todo/version"

    def test_route_name_and_integer_key(self):
        assert url("counters-increment", id=3) == "/api/counters/3/increment"

    def test_custom_path_replaces_the_segment(self):
        assert url("todo-customized") == "/api/todo/custom-path"

    def test_prefix(self):
        patterns, namespace = DjangoDispatcher(prefix="/v2/", entities=[Todo]).urls
        assert (str(patterns[0].pattern), namespace) == ("v2/todo/<path:id>/toggle", "nitro")

    def test_explicit_entities_only(self):
        patterns, _ = DjangoDispatcher(entities=[Todo], namespace="v1").urls
        assert {pattern.name for pattern in patterns} >= {"todo-toggle", "todo-open_count"}
        assert not any(pattern.name == "counters-increment" for pattern in patterns)

    def test_wrong_method_is_405_with_allow(self):
        response = self.client.get(url("todo-toggle", id="x"))
        assert (response.status_code, response["Allow"]) == (405, "OPTIONS, POST")

    def test_path_of_several_segments_is_the_whole_url_below_the_prefix(self):
        patterns, _ = DjangoDispatcher(prefix="v2", entities=[Gadget]).urls
        routes = {pattern.name: str(pattern.pattern) for pattern in patterns}
        assert (routes["gadget-bulk_add"], routes["gadget-summary"]) == (
            "v2/gadgets/bulk/add",
            "v2/gadgets/<path:id>/summary",
        )

    def test_id_in_a_path_of_several_segments_reaches_the_action(self):
        Gadget.create(id="g/1", name="lamp")
        response = self.client.get("/api/gadgets/g/1/summary")
        assert response.json() == {"summary": "lamp (g/1)"}

    def test_class_action_at_a_path_of_several_segments(self):
        response = self.client.post("/api/gadgets/bulk/add", {"name": "desk"})
        assert (response.json()["name"], Gadget.count()) == ("desk", 1)

    def test_datastar_action_of_a_path_of_several_segments(self):
        gadget = Gadget.create(id="g1")
        assert datastar_action(gadget.summary) == '@get("/api/gadgets/g1/summary")'


class RouteProblemTests(SimpleTestCase):
    def route(self, kind: Any, path: str) -> Route:
        metadata = ActionMetadata(method="POST", path=path, function_name="add")
        return Route(Gadget, Gadget.rename, metadata, kind)

    def test_instance_action_at_a_whole_url_needs_the_id(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            self.route("instance", "/ops/add").route  # noqa: B018
        assert str(excinfo.value) == (
            "tests.ported_actions.entities.Gadget.add is an instance action, but "
            "path='/ops/add' (a whole URL, as in Nitro) has no {id} for the entity's id. Write "
            "it where the id goes ('/ops/{id}/add'), or give one segment ('add') for "
            "gadget/<id>/add."
        )

    def test_class_action_has_no_id_for_a_path(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            self.route("class", "/ops/{id}/add").route  # noqa: B018
        assert str(excinfo.value) == (
            "tests.ported_actions.entities.Gadget.add is a class action, with no entity id for "
            "the {id} of path='/ops/{id}/add'. Remove {id}: a parameter named id comes from the "
            "query string or the body."
        )

    def test_static_action_has_no_id_for_a_path(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            self.route("static", "/ops/{id}/add").route  # noqa: B018
        assert "is a static action, with no entity id" in str(excinfo.value)


class ResponseTests(TestCase):
    def setUp(self):
        self.todo = Todo.create(title="Buy <milk>")

    def test_markup_is_one_patch_elements_event(self):
        response = self.client.post(url("todo-toggle", id=self.todo.id), headers=DS)
        assert (response.status_code, response["Content-Type"], response.content) == (
            200,
            "text/event-stream",
            b"event: datastar-patch-elements\ndata: elements "
            + f'<li id="todo-{self.todo.id}" class="done">Buy &lt;milk&gt;</li>\n\n'.encode(),
        )

    def test_sse_headers(self):
        response = self.client.post(url("todo-toggle", id=self.todo.id), headers=DS)
        assert (response["Cache-Control"], response["X-Accel-Buffering"], response["Vary"]) == (
            "no-cache",
            "no",
            "Datastar-Request",
        )

    def test_action_persists(self):
        self.client.post(url("todo-toggle", id=self.todo.id), headers=DS)
        assert Todo.get(self.todo.id).completed is True  # type: ignore[union-attr]

    def test_dict_is_a_signals_patch(self):
        response = self.client.get(url("todo-open_count"), headers=DS)
        assert response.content == b'event: datastar-patch-signals\ndata: signals {"open":1}\n\n'

    def test_pydantic_model_is_a_signals_patch(self):
        response = self.client.get(url("todo-model"), headers=DS)
        assert response.content == (
            b'event: datastar-patch-signals\ndata: signals {"name":"model","weight":1}\n\n'
        )

    def test_entity_is_a_signals_patch(self):
        response = self.client.get(url("todo-itself", id=self.todo.id), headers=DS)
        assert json.loads(response.content.decode().split("data: signals ")[1]) == {
            "id": self.todo.id,
            "title": "Buy <milk>",
            "completed": False,
        }

    def test_several_patches_in_one_response(self):
        response = self.client.get(url("todo-several"), headers=DS)
        assert response.content == (
            b"event: datastar-patch-elements\ndata: mode append\ndata: selector #list\n"
            b'data: elements <li id="todo-a">A</li>\n\n'
            b'event: datastar-patch-signals\ndata: signals {"count":2}\n\n'
            b"event: datastar-patch-elements\ndata: mode remove\ndata: selector #old\n\n"
        )

    def test_remove(self):
        response = self.client.delete(url("todo-discard", id=self.todo.id), headers=DS)
        assert (response.content, Todo.count()) == (
            b"event: datastar-patch-elements\ndata: mode remove\n"
            + f"data: selector #todo-{self.todo.id}\n\n".encode(),
            0,
        )

    def test_none_is_204(self):
        response = self.client.get(url("todo-nothing"), headers=DS)
        assert (response.status_code, response.content) == (204, b"")

    def test_redirect_url_is_json_encoded_in_an_expression(self):
        response = self.client.get(url("todo-go"), headers=DS)
        assert response.content == (
            b"event: datastar-patch-elements\ndata: mode append\ndata: selector body\n"
            b'data: elements <div hidden data-init="el.remove(); setTimeout(() =&gt; '
            b'window.location.assign(&#34;/done/?note=it&#39;s&#34;))"></div>\n\n'
        )

    def test_django_redirect_becomes_a_datastar_redirect(self):
        response = self.client.get(url("todo-django_redirect"), headers=DS)
        assert (response.status_code, b"assign(&#34;/elsewhere/&#34;)" in response.content) == (
            200,
            True,
        )

    def test_plain_string_is_the_result_signal_not_markup(self):
        response = self.client.get(url("todo-text"), headers=DS)
        assert (response.status_code, response.content) == (
            200,
            b'event: datastar-patch-signals\ndata: signals {"result":"plain text is not markup"}'
            b"\n\n",
        )

    def test_plain_dict_is_a_signals_patch(self):
        response = self.client.get(url("todo-version"), headers=DS)
        assert (
            response.content == b'event: datastar-patch-signals\ndata: signals {"version":"1"}\n\n'
        )


class PlainClientTests(TestCase):
    def setUp(self):
        self.todo = Todo.create(title="Tea")

    def test_markup_is_html(self):
        response = self.client.post(url("todo-toggle", id=self.todo.id))
        assert (response["Content-Type"], response.content) == (
            "text/html; charset=utf-8",
            f'<li id="todo-{self.todo.id}" class="done">Tea</li>'.encode(),
        )

    def test_data_is_json(self):
        response = self.client.get(url("todo-open_count"))
        assert (response["Content-Type"], response.json()) == ("application/json", {"open": 1})

    def test_status_code_of_the_action(self):
        response = self.client.post(url("todo-add"), {"title": "New"})
        assert response.status_code == 201

    def test_redirect_is_a_302(self):
        response = self.client.get(url("todo-go"))
        assert (response.status_code, response["Location"]) == (302, "/done/?note=it's")

    def test_several_patches_give_their_markup(self):
        response = self.client.get(url("todo-several"))
        assert response.content == b'<li id="todo-a">A</li>'

    def test_remove_alone_is_204(self):
        response = self.client.delete(url("todo-discard", id=self.todo.id))
        assert response.status_code == 204

    def test_none_is_nitros_success_message(self):
        response = self.client.get(url("todo-nothing"))
        assert response.json() == {"status": "success", "message": "nothing completed"}

    def test_exception_is_a_json_500(self):
        client = Client(raise_request_exception=False)
        with self.assertLogs("django.request", "ERROR"):
            response = client.post(url("todo-fail", id=self.todo.id))
        assert (response.status_code, response.json()["error"]["type"]) == (500, "internal_error")


class ErrorTests(TestCase):
    def test_missing_entity_is_404(self):
        response = self.client.post(url("todo-toggle", id="missing"))
        assert (response.status_code, response.json()) == (
            404,
            {
                "error": {
                    "type": "entity_not_found",
                    "message": "Todo with id 'missing' not found.",
                    "status_code": 404,
                    "details": [],
                }
            },
        )

    def test_missing_entity_for_datastar(self):
        response = self.client.post(url("todo-toggle", id="missing"), headers=DS)
        assert (response.status_code, response.content) == (
            200,
            error_event(404, "entity_not_found", "Todo with id 'missing' not found."),
        )

    def test_invalid_parameter_is_422_with_field_errors(self):
        response = self.client.post(url("todo-add"), {"title": ""})
        assert (response.status_code, response.json()["error"]["details"]) == (
            422,
            [
                {
                    "loc": ["title"],
                    "msg": "String should have at least 1 character",
                    "type": "string_too_short",
                }
            ],
        )

    def test_missing_parameter_is_422(self):
        response = self.client.post(url("todo-add"), {})
        assert response.json()["error"]["details"] == [
            {"loc": ["title"], "msg": "Field required", "type": "missing"}
        ]

    def test_invalid_data_inside_the_action_is_422(self):
        response = self.client.post(url("todo-make_invalid"))
        assert (response.status_code, response.json()["error"]["type"]) == (422, "validation_error")

    def test_invalid_json_is_400(self):
        response = self.client.post(url("todo-add"), "{", content_type="application/json")
        assert (response.status_code, response.json()["error"]["message"]) == (
            400,
            "Invalid JSON in the JSON body: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1).",
        )

    def test_json_that_is_not_an_object_is_400(self):
        response = self.client.post(url("todo-add"), "[1]", content_type="application/json")
        assert (
            response.json()["error"]["message"]
            == "Expected a JSON object in the JSON body, got list."
        )

    def test_validation_error_for_datastar(self):
        response = self.client.post(
            url("todo-add"), {}, content_type="application/json", headers=DS
        )
        assert response.content == error_event(
            422,
            "validation_error",
            "Invalid parameters.",
            [{"loc": ["title"], "msg": "Field required", "type": "missing"}],
        )


class TransactionTests(TestCase):
    def test_exception_rolls_back_both_orms(self):
        todo = Todo.create(title="original")
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.post(url("todo-fail", id=todo.id), headers=DS)
        assert (
            response.content,
            Todo.get(todo.id).title,  # type: ignore[union-attr]
            Group.objects.count(),
        ) == (error_event(500, "internal_error", "The action failed on the server."), "original",
              0)  # fmt: skip


class CsrfTests(TestCase):
    def setUp(self):
        self.client = Client(enforce_csrf_checks=True)
        self.todo = Todo.create(title="t")

    def test_post_without_token_is_403(self):
        response = self.client.post(url("todo-toggle", id=self.todo.id), headers=DS)
        assert response.status_code == 403

    def test_post_with_token_header_passes(self):
        token = self.client.get("/csrf/").json()["token"]
        response = self.client.post(
            url("todo-toggle", id=self.todo.id), headers={**DS, "X-CSRFToken": token}
        )
        assert response.status_code == 200

    def test_get_needs_no_token(self):
        assert self.client.get(url("todo-open_count")).status_code == 200


class AuthTests(TestCase):
    def setUp(self):
        self.todo = Todo.create(title="t")
        self.user = User.objects.create_user("ann", password="pw")

    def test_login_required_sends_a_form_post_back_to_the_page_it_came_from(self):
        response = self.client.post(
            url("todo-private", id=self.todo.id), headers={"Referer": "http://testserver/t/?p=2"}
        )
        assert (response.status_code, response["Location"]) == (302, "/login/?next=/t/%3Fp%3D2")

    def test_login_required_sends_a_post_without_referer_to_the_login_page_alone(self):
        response = self.client.post(url("todo-private", id=self.todo.id))
        assert (response.status_code, response["Location"]) == (302, "/login/")

    def test_login_required_ignores_a_referer_from_another_site(self):
        response = self.client.post(
            url("todo-private", id=self.todo.id), headers={"Referer": "https://evil.example/"}
        )
        assert response["Location"] == "/login/"

    def test_login_required_returns_a_plain_get_to_the_url_opened(self):
        response = self.client.get(url("todo-peek", id=self.todo.id) + "?x=1")
        assert response["Location"] == f"/login/?next=/api/todo/{self.todo.id}/peek%3Fx%3D1"

    def test_login_required_returns_a_datastar_get_to_the_page_not_the_action(self):
        response = self.client.get(
            url("todo-peek", id=self.todo.id) + "?datastar=%7B%7D",
            headers={**DS, "Referer": "http://testserver/board/"},
        )
        assert response.content.decode() == (
            "event: datastar-patch-elements\ndata: mode append\ndata: selector body\n"
            'data: elements <div hidden data-init="el.remove(); setTimeout(() =&gt; '
            'window.location.assign(&#34;/login/?next=/board/&#34;))"></div>\n\n'
        )

    def test_login_required_for_datastar_is_a_client_redirect_to_the_page(self):
        response = self.client.post(
            url("todo-private", id=self.todo.id),
            headers={**DS, "Referer": "http://testserver/board/"},
        )
        assert (
            response.status_code,
            "window.location.assign(&#34;/login/?next=/board/&#34;)" in response.content.decode(),
        ) == (200, True)

    def test_login_required_lets_users_in(self):
        self.client.force_login(self.user)
        assert self.client.post(url("todo-private", id=self.todo.id)).json() == {"title": "t"}

    def test_permission_refused_is_403(self):
        self.client.force_login(self.user)
        response = self.client.post(url("todo-guarded", id=self.todo.id))
        assert (response.status_code, response.json()["error"]["message"]) == (
            403,
            "You may not guarded.",
        )

    def test_permission_granted(self):
        permission = Permission.objects.create(
            codename="change_todo",
            name="Can change todo",
            content_type=ContentType.objects.get_or_create(app_label="todos", model="todo")[0],
        )
        self.user.user_permissions.add(permission)
        self.client.force_login(self.user)
        assert self.client.post(url("todo-guarded", id=self.todo.id)).status_code == 200

    def test_callable_permission_gets_the_entity(self):
        self.client.force_login(self.user)
        locked = Todo.create(title="locked")
        assert (
            self.client.post(url("todo-unlockable", id=self.todo.id)).status_code,
            self.client.post(url("todo-unlockable", id=locked.id)).status_code,
        ) == (200, 404)


class MessagesTests(TestCase):
    def test_messages_work_in_actions(self):
        self.client.post(url("todo-add"), {"title": "Bread"}, headers=DS)
        response = self.client.get("/message/")
        assert "Added Bread" in response.content.decode()


class DatastarActionTests(TestCase):
    def test_instance_action(self):
        todo = Todo.create(title="t")
        assert datastar_action(todo.toggle) == f'@post("/api/todo/{todo.id}/toggle")'

    def test_class_action_with_params(self):
        assert datastar_action(Todo.search, q="it's <b>", tags=["a", "b"]) == (
            '@get("/api/todo/search?q=it%27s+%3Cb%3E&tags=a&tags=b")'
        )

    def test_csrf_header_for_unsafe_methods(self):
        from django.test import RequestFactory

        request = RequestFactory().get("/")
        todo = Todo.create(title="t")
        expression = datastar_action(todo.toggle, request=request)
        token = request.META["CSRF_COOKIE"]
        assert expression.startswith(
            f'@post("/api/todo/{todo.id}/toggle", {{"headers": {{"X-CSRFTOKEN": "'
        )
        assert len(token) == 32

    def test_options(self):
        todo = Todo.create(title="t")
        assert datastar_action(todo.toggle, options={"contentType": "form"}) == (
            f'@post("/api/todo/{todo.id}/toggle", {{"contentType": "form"}})'
        )

    def test_not_an_action(self):
        import pytest

        with pytest.raises(TypeError):
            datastar_action(len)

    def test_id_is_percent_encoded(self):
        todo = Todo.create(id="x@in(y) $z", title="t")
        assert datastar_action(todo.toggle) == ('@post("/api/todo/x%40in%28y%29%20%24z/toggle")')

    def test_id_with_a_slash_is_routed(self):
        todo = Todo.create(id="a/b", title="t")
        expression = datastar_action(todo.toggle)
        action_url = json.loads(expression.removeprefix("@post(").removesuffix(")"))
        response = self.client.post(action_url)
        assert (expression, response.status_code) == ('@post("/api/todo/a/b/toggle")', 200)

    def test_encoded_url_reaches_the_action(self):
        todo = Todo.create(id="x@in(y) $z", title="t")
        action_url = json.loads(datastar_action(todo.toggle).removeprefix("@post(")[:-1])
        response = self.client.post(action_url)
        assert response.status_code == 200

    def test_no_at_sign_is_left_in_the_strings(self):
        todo = Todo.create(title="t")
        expression = datastar_action(todo.toggle, options={"headers": {"X-Note": "@get("}})
        assert (expression.count("@"), json.loads("[" + expression[6:-1] + "]")[1]) == (
            1,
            {"headers": {"X-Note": "@get("}},
        )
