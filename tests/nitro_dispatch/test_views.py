"""The action view: methods, the order of its checks, its transaction, and the 4xx it answers."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client, RequestFactory, TestCase, TransactionTestCase, override_settings
from django.urls import resolve, reverse
from django.utils import translation

from rustytags_backend._html_string import trusted_html
from tests.catalogs import write_catalog
from tests.nitro_dispatch.test_dispatcher import DS, error_event, url
from tests.nitro_dispatch.test_sse import datastar_client_reads
from tests.todos.entities import STARTED, Todo


class MethodTests(TestCase):
    def test_head_answers_like_get_without_a_body(self):
        get = self.client.get(url("todo-open_count"))
        head = self.client.head(url("todo-open_count"))
        assert (head.status_code, head["Content-Type"], head.content) == (
            200,
            get["Content-Type"],
            b"",
        )

    def test_head_of_a_stream_does_not_run_it(self):
        # Called directly: the test client drops a HEAD body without iterating it, but
        # servers iterate it and drop what it sends.
        STARTED.clear()
        request = RequestFactory().head(url("todo-watched"), headers=DS)
        request.user = AnonymousUser()
        response = resolve(url("todo-watched")).func(request)
        body = b"".join(response.streaming_content)
        assert (response.status_code, response["Content-Type"], body, STARTED) == (
            200,
            "text/event-stream",
            b"",
            [],
        )

    def test_head_of_an_async_stream_does_not_run_it(self):
        request = RequestFactory().head(url("todo-idle"), headers=DS)
        request.user = AnonymousUser()
        response = resolve(url("todo-idle")).func(request)
        assert b"".join(response.streaming_content) == b""

    def test_get_of_the_same_stream_runs_it(self):
        STARTED.clear()
        response = self.client.get(url("todo-watched"), headers=DS)
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        assert STARTED == ["watched"]

    def test_options_lists_the_methods(self):
        response = self.client.options(url("todo-open_count"))
        assert (response.status_code, response["Allow"], response.content) == (
            200,
            "GET, HEAD, OPTIONS",
            b"",
        )

    def test_options_of_an_unsafe_action(self):
        response = self.client.options(url("todo-toggle", id="x"))
        assert response["Allow"] == "OPTIONS, POST"

    def test_405_lists_head_with_get(self):
        response = self.client.post(url("todo-open_count"))
        assert (response.status_code, response["Allow"]) == (405, "GET, HEAD, OPTIONS")


class PermissionBeforeExistenceTests(TestCase):
    def setUp(self):
        self.client.force_login(User.objects.create_user("ann", password="pw"))

    def test_django_permission_refused_alike_for_missing_and_existing_ids(self):
        todo = Todo.create(title="t")
        existing = self.client.post(url("todo-guarded", id=todo.id), headers=DS)
        todo.delete()
        missing = self.client.post(url("todo-guarded", id=todo.id), headers=DS)
        assert (
            existing.content
            == missing.content
            == error_event(403, "permission_denied", "You may not guarded.")
        )

    def test_callable_permission_refused_as_not_found(self):
        todo = Todo.create(title="locked")
        refused = self.client.post(url("todo-unlockable", id=todo.id))
        todo.delete()
        missing = self.client.post(url("todo-unlockable", id=todo.id))
        assert (refused.status_code, refused.json()) == (missing.status_code, missing.json())
        assert refused.json()["error"]["message"] == f"Todo with id {todo.id!r} not found."


class LockingTests(TestCase):
    def test_unsafe_methods_read_the_entity_for_update(self):
        todo = Todo.create(title="t")
        # Read through the private _get(): a field may shadow get().
        with mock.patch.object(Todo, "_get", wraps=Todo._get) as get:
            self.client.post(url("todo-toggle", id=todo.id))
            self.client.get(url("todo-itself", id=todo.id))
        assert [call.kwargs for call in get.call_args_list] == [
            {"for_update": True},
            {"for_update": False},
        ]

    def test_the_entity_is_read_inside_the_transaction(self):
        todo = Todo.create(title="t")
        original = Todo._get
        depths = []

        def get(id: Any, *, for_update: bool = False) -> Todo | None:
            depths.append(len(connection.savepoint_ids))
            return original(id, for_update=for_update)

        with mock.patch.object(Todo, "_get", side_effect=get):
            self.client.post(url("todo-toggle", id=todo.id))
        # One savepoint deeper than the test: the action's own.
        assert depths == [len(connection.savepoint_ids) + 1]


class AtomicRequestsTests(TransactionTestCase):
    def test_each_action_is_a_transaction_of_its_own(self):
        connection.settings_dict["ATOMIC_REQUESTS"] = True
        try:
            response = self.client.post(url("todo-savepoints"))
        finally:
            connection.settings_dict["ATOMIC_REQUESTS"] = False
        assert response.json() == {"savepoints": 0}


class IntegrityTests(TestCase):
    def test_bad_value_stored_by_an_action_is_422_and_nothing_is_written(self):
        todo = Todo.create(title="t")
        response = self.client.post(url("todo-blank", id=todo.id))
        assert (
            response.status_code,
            response.json()["error"]["details"],
            Todo.get(todo.id).completed,  # type: ignore[union-attr]
        ) == (
            422,
            [{"loc": ["title"], "msg": "Input should be a valid string", "type": "string_type"}],
            False,
        )

    def test_save_of_a_deleted_entity_is_409_and_nothing_is_written(self):
        todo = Todo.create(title="t")
        response = self.client.post(url("todo-vanish", id=todo.id), headers=DS)
        assert (response.content, Todo.get(todo.id).title) == (  # type: ignore[union-attr]
            error_event(
                409,
                "conflict",
                f"Todo {todo.id!r} was deleted after it was read; it was not saved again. "
                "Read it again (or create() a new one).",
            ),
            "t",
        )

    def test_duplicate_key_is_409(self):
        Todo.create(id="taken", title="t")
        response = self.client.post(url("todo-duplicate"), {"id": "taken"})
        assert (response.status_code, response.json()["error"]) == (
            409,
            {
                "type": "conflict",
                "message": "The change conflicts with the data stored; nothing was saved.",
                "status_code": 409,
                "details": [],
            },
        )

    def test_lost_race_on_postgresql_is_409(self):
        response = self.client.post(url("todo-collide"), headers=DS)
        assert response.content == error_event(
            409,
            "conflict",
            "The change conflicts with one made at the same time; nothing was saved. Try again.",
        )

    def test_database_busy_beyond_its_timeout_is_503(self):
        response = self.client.post(url("todo-congest"))
        assert (response.status_code, response.json()["error"]["message"]) == (
            503,
            "The database is busy; nothing was saved. Try again in a moment.",
        )

    def test_database_busy_for_datastar(self):
        response = self.client.post(url("todo-congest"), headers=DS)
        assert response.content == error_event(
            503, "busy", "The database is busy; nothing was saved. Try again in a moment."
        )

    def test_other_database_errors_are_500(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.post(url("todo-break_down"), headers=DS)
        assert response.content == error_event(
            500, "internal_error", "The action failed on the server."
        )


class WireTests(TestCase):
    def test_any_title_round_trips(self):
        title = "one\u2028two\u2029three\u0085four\x0bfive\x1cend"
        todo = Todo.create(title="t")
        response = self.client.post(
            url("todo-rename", id=todo.id), {"title": title}, content_type="application/json",
            headers=DS,
        )  # fmt: skip
        (_, elements), (_, signals) = datastar_client_reads(response.content.decode())
        assert (
            elements["elements"],
            json.loads(signals["signals"]),
            Todo.get(todo.id).title,  # type: ignore[union-attr]
        ) == (f'<li id="todo-{todo.id}">{title}</li>', {"title": title}, title)

    def test_string_id_with_a_slash(self):
        todo = Todo.create(id="2026/12/01", title="t")
        response = self.client.get(reverse("nitro:todo-itself", kwargs={"id": todo.id}))
        assert response.json()["id"] == "2026/12/01"


class ImpossibleIdTests(TestCase):
    def test_null_character_in_a_string_id_is_404(self):
        response = self.client.post("/api/todo/a%00b/toggle")
        assert (response.status_code, response.json()["error"]["message"]) == (
            404,
            "Todo with id 'a\\x00b' not found.",
        )

    def test_integer_id_beyond_the_key_is_404(self):
        for id in (2**31, 2**63, 10**30):
            response = self.client.post(f"/api/counters/{id}/bump")
            assert (id, response.status_code) == (id, 404)


class UnreadableBodyTests(TestCase):
    def test_body_the_client_broke_off_is_400(self):
        class Broken(io.BytesIO):
            def read(self, *args: Any) -> bytes:
                raise OSError("connection reset")

        request = RequestFactory().post(url("todo-echo"), "{}", content_type="application/json")
        request._stream = Broken()
        request.user = AnonymousUser()
        view = resolve(url("todo-echo")).func
        with self.assertLogs("nitro_dispatch", "WARNING") as logs:
            response = view(request)
        assert (
            response.status_code,
            json.loads(response.content)["error"]["type"],
            logs.output,
        ) == (
            400,
            "bad_request",
            ["WARNING:nitro_dispatch:connection reset"],
        )


class TranslationTests(TestCase):
    """The dispatcher's messages are marked for translation and given in the active language."""

    def setUp(self):
        self.client.force_login(User.objects.create_user("ann", password="pw"))
        self.locale = tempfile.TemporaryDirectory()
        self.addCleanup(self.locale.cleanup)
        write_catalog(
            Path(self.locale.name, "de", "LC_MESSAGES", "django.mo"),
            {
                "You may not %(action)s.": "Das ist nicht erlaubt: %(action)s.",
                "%(entity)s with id %(id)s not found.": "%(entity)s %(id)s gibt es nicht.",
                "Invalid parameters.": "Ungültige Parameter.",
            },
        )

    def post_in_german(self, path: str, **kwargs: Any) -> Any:
        with override_settings(LOCALE_PATHS=[self.locale.name]), translation.override("de"):
            return self.client.post(path, **kwargs)

    def test_a_refusal_is_translated(self):
        todo = Todo.create(title="t")
        response = self.post_in_german(url("todo-guarded", id=todo.id))
        assert response.json()["error"]["message"] == "Das ist nicht erlaubt: guarded."

    def test_a_missing_entity_is_translated(self):
        response = self.post_in_german(url("todo-toggle", id="gone"))
        assert response.json()["error"]["message"] == "Todo 'gone' gibt es nicht."

    def test_invalid_parameters_are_translated(self):
        response = self.post_in_german(url("todo-add"), data={"title": ""})
        assert response.json()["error"]["message"] == "Ungültige Parameter."


class ErrorTypeTests(TestCase):
    def test_other_http404_keeps_its_own_type(self):
        response = self.client.get(url("gadget-missing_page"))
        error = response.json()["error"]
        assert (response.status_code, error["type"], error["message"]) == (
            404,
            "not_found",
            "No such page.",
        )


class InternalErrorTests(TestCase):
    """An exception in an action: Nitro's internal_error, logged as Django logs one."""

    def setUp(self):
        self.client = Client(raise_request_exception=False)

    def test_logged_once_on_django_request_with_the_traceback(self):
        with self.assertLogs("django.request", "WARNING") as logs:
            self.client.post(url("gadget-boom"))
        (record,) = logs.records
        assert (
            record.getMessage(),
            record.levelname,
            str(record.exc_info[1]) if record.exc_info else None,
            record.status_code,  # type: ignore[attr-defined]
            record.request.path,  # type: ignore[attr-defined]
        ) == (
            "Internal Server Error: /api/gadget/boom",
            "ERROR",
            "the secret detail",
            500,
            "/api/gadget/boom",
        )

    def test_datastar_failure_is_logged_as_a_500(self):
        with self.assertLogs("django.request", "WARNING") as logs:
            response = self.client.post(url("gadget-boom"), headers=DS)
        (record,) = logs.records
        assert (response.status_code, record.status_code) == (200, 500)  # type: ignore[attr-defined]

    @override_settings(DEBUG=True)
    def test_debug_shows_the_exception_to_a_client_that_is_not_navigating(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.post(url("gadget-boom"), headers={"Accept": "application/json"})
        assert (response.status_code, response.json()["error"]["message"]) == (
            500,
            "Internal server error: RuntimeError: the secret detail",
        )

    @override_settings(DEBUG=True)
    def test_debug_shows_the_exception_to_datastar(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.post(url("gadget-boom"), headers=DS)
        assert response.content == error_event(
            500, "internal_error", "Internal server error: RuntimeError: the secret detail"
        )

    @override_settings(DEBUG=True)
    def test_debug_gives_a_navigating_browser_djangos_debug_page(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.post(
                url("gadget-boom"), headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
            )
        assert (
            response.status_code,
            # Django 5.2 adds "; charset=utf-8", 6.0 does not.
            response["Content-Type"].partition(";")[0],
            "<title>RuntimeError" in response.content.decode(),
        ) == (500, "text/html", True)

    @override_settings(DEBUG_PROPAGATE_EXCEPTIONS=True)
    def test_propagated_when_django_is_told_to(self):
        with pytest.raises(RuntimeError):
            self.client.post(url("gadget-boom"))

    def test_rusty_tags_markup_is_refused_not_sent(self):
        import rusty_tags

        with pytest.raises(TypeError) as refusal:
            trusted_html(rusty_tags.Div("<script>alert(1)</script>"))
        with self.assertLogs("django.request", "ERROR") as logs:
            response = self.client.get(url("gadget-rusty"))
        assert (
            response.status_code,
            response.json()["error"]["type"],
            str(logs.records[0].exc_info[1]) if logs.records[0].exc_info else None,
        ) == (500, "internal_error", str(refusal.value))

    def test_rusty_tags_markup_in_a_list_is_refused_for_datastar(self):
        with self.assertLogs("django.request", "ERROR"):
            response = self.client.get(url("gadget-rusty_in_a_list"), headers=DS)
        assert response.content == error_event(
            500, "internal_error", "The action failed on the server."
        )
