"""Entities in the Django admin, through their mirror models."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from io import StringIO

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.test import TestCase

from tests.todos.entities import Priority, Todo, Typed

# The mirror models are made at runtime: ask the app registry for them.
TodoMirror = apps.get_model("nitro_dispatch", "Todo")
TypedMirror = apps.get_model("nitro_dispatch", "Typed")
CustomizedMirror = apps.get_model("nitro_dispatch", "Customized")


class MirrorModelTests(TestCase):
    def test_mirror_is_unmanaged_on_the_entity_table(self):
        meta = TodoMirror._meta
        assert (meta.managed, meta.db_table, meta.app_label) == (False, "todo", "nitro_dispatch")

    def test_field_types(self):
        fields = {field.name: type(field).__name__ for field in TypedMirror._meta.fields}
        assert fields == {
            "id": "AutoField",
            "name": "OneLineTextField",
            "code": "CharField",
            "quantity": "IntegerField",
            "ratio": "FloatField",
            "active": "BooleanField",
            "price": "DecimalField",
            "when": "DateTimeField",
            "naive": "DateTimeField",
            "day": "DateField",
            "at": "TimeField",
            "token": "UUIDField",
            "priority": "CharField",
            "data": "ParsedJSONField",
            "todo": "ForeignKey",
            "owner": "ForeignKey",
            "mood": "CharField",
            "big": "BigIntegerField",
        }

    def test_enum_choices_are_member_names(self):
        assert TypedMirror._meta.get_field("priority").choices == [("LOW", "low"), ("HIGH", "high")]

    def test_foreign_keys_point_at_mirrors_and_django_models(self):
        assert (
            TypedMirror._meta.get_field("todo").related_model,
            TypedMirror._meta.get_field("owner").related_model,
        ) == (TodoMirror, User)

    def test_string_key_is_not_editable_and_defaults_like_the_entity(self):
        key = TodoMirror._meta.pk
        assert (key.editable, len(key.get_default()), key.get_default()[14]) == (False, 36, "4")

    def test_mirror_is_importable_from_the_models_module(self):
        import nitro_dispatch.models

        assert nitro_dispatch.models.Todo is TodoMirror  # type: ignore[attr-defined]

    def test_makemigrations_stays_silent(self):
        out = StringIO()
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
        assert out.getvalue() == "No changes detected\n"

    def test_opted_out_entity_has_no_mirror(self):
        import nitro_dispatch.models

        assert not hasattr(nitro_dispatch.models, "Hidden")

    def test_str_comes_from_the_entity(self):
        assert str(TypedMirror(name="x")) == "Typed x"

    def test_permissions_exist(self):
        codenames = set(
            Permission.objects.filter(content_type__app_label="nitro_dispatch").values_list(
                "codename", flat=True
            )
        )
        assert {"view_todo", "add_todo", "change_todo", "delete_todo"} <= codenames


class ModelAdminTests(TestCase):
    def test_derived_options(self):
        model_admin = admin.site._registry[TypedMirror]
        assert (
            model_admin.search_fields,
            model_admin.list_filter,
            model_admin.ordering,
            model_admin.autocomplete_fields,
            model_admin.raw_id_fields,
            model_admin.list_display,
        ) == (
            ["name", "code"],
            ["active", "when", "naive", "day", "priority", "mood"],
            ["id"],
            ["todo"],
            ["owner"],
            ["id", "name", "code", "quantity", "ratio", "active"],
        )

    def test_model_admin_class_of_the_entity(self):
        model_admin = admin.site._registry[apps.get_model("nitro_dispatch", "Note")]
        assert (
            type(model_admin).__mro__[1].__name__,
            model_admin.list_display,
            model_admin.search_fields,
        ) == (
            "NoteAdmin",
            ("id", "text"),
            ["text"],
        )

    def test_enum_without_a_python_enum(self):
        assert TypedMirror._meta.get_field("mood").choices == [("ok", "ok"), ("meh", "meh")]

    def test_options_given_by_the_entity_win(self):
        model_admin = admin.site._registry[CustomizedMirror]
        assert (model_admin.list_display, model_admin.search_fields) == (["id", "label"], [])


class SuperuserAdminTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_superuser("root", password="pw")
        self.client.force_login(self.user)

    def test_index_lists_the_entities(self):
        response = self.client.get("/admin/")
        assert (response.status_code, b"/admin/nitro_dispatch/todo/" in response.content) == (
            200,
            True,
        )

    def test_changelist_shows_rows_written_by_entities(self):
        Todo.create(title="From SQLModel")
        response = self.client.get("/admin/nitro_dispatch/todo/")
        assert b"From SQLModel" in response.content

    def test_search_and_filter(self):
        Todo.create(title="needle", completed=True)
        Todo.create(title="haystack")
        response = self.client.get("/admin/nitro_dispatch/todo/?q=need&completed__exact=1")
        assert (b"needle" in response.content, b"haystack" in response.content) == (True, False)

    def test_add_reads_back_through_the_entity_api(self):
        todo = Todo.create(title="target")
        response = self.client.post(
            "/admin/nitro_dispatch/typed/add/",
            {
                "name": "Added",
                "code": "AB",
                "quantity": "3",
                "ratio": "0.5",
                "active": "on",
                "price": "3.50",
                "when_0": "2026-11-24",
                "when_1": "12:30:00",
                "naive_0": "2026-11-24",
                "naive_1": "08:00:00",
                "day": "2026-12-01",
                "at": "09:15:00",
                "token": "12345678-1234-5678-1234-567812345678",
                "priority": "HIGH",
                "data": '{"a": [1, 2]}',
                "todo": todo.id,
                "owner": str(self.user.pk),
                "mood": "meh",
                "big": str(2**40),
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        typed = Typed.first(name="Added")
        assert typed is not None
        assert (
            typed.code,
            typed.quantity,
            typed.ratio,
            typed.active,
            typed.price,
            typed.when,
            typed.naive,
            typed.day,
            typed.at,
            typed.token,
            typed.priority,
            typed.data,
            typed.todo_id,
            typed.owner_id,
            typed.mood,
            typed.big,
        ) == (
            "AB",
            3,
            0.5,
            True,
            Decimal("3.50"),
            # Entered in the admin in TIME_ZONE (America/Chicago), stored in UTC.
            datetime.datetime(2026, 11, 24, 18, 30, tzinfo=datetime.UTC),
            # A naive column holds UTC, as Django writes it with USE_TZ.
            datetime.datetime(2026, 11, 24, 14, 0),
            datetime.date(2026, 12, 1),
            datetime.time(9, 15),
            uuid.UUID("12345678-1234-5678-1234-567812345678"),
            Priority.HIGH,
            {"a": [1, 2]},
            todo.id,
            self.user.pk,
            "meh",
            2**40,
        )

    def test_add_gives_a_new_key(self):
        response = self.client.post("/admin/nitro_dispatch/todo/add/", {"title": "New"})
        todo = Todo.first(title="New")
        assert (response.status_code, len(todo.id) if todo else 0) == (302, 36)

    def test_change_page_shows_entity_values_and_saves(self):
        typed = Typed.create(name="Old", price=Decimal("1.25"), priority=Priority.HIGH)
        page = self.client.get(f"/admin/nitro_dispatch/typed/{typed.id}/change/")
        assert (b'value="1.25"' in page.content, b'value="HIGH" selected' in page.content) == (
            True,
            True,
        )
        data = {
            "name": "Renamed",
            "code": "",
            "quantity": "0",
            "ratio": "0",
            "price": "1.25",
            "token": str(typed.token),
            "priority": "LOW",
            "data": "{}",
            "mood": "ok",
            "big": "0",
        }
        response = self.client.post(f"/admin/nitro_dispatch/typed/{typed.id}/change/", data)
        reloaded = Typed.get(typed.id)
        assert (response.status_code, reloaded.name, reloaded.priority) == (  # type: ignore[union-attr]
            302,
            "Renamed",
            Priority.LOW,
        )

    def test_delete(self):
        todo = Todo.create(title="doomed")
        confirm = self.client.get(f"/admin/nitro_dispatch/todo/{todo.id}/delete/")
        response = self.client.post(
            f"/admin/nitro_dispatch/todo/{todo.id}/delete/", {"post": "yes"}
        )
        assert (confirm.status_code, response.status_code, Todo.exists(todo.id)) == (
            200,
            302,
            False,
        )

    def test_history_is_logged(self):
        self.client.post("/admin/nitro_dispatch/todo/add/", {"title": "logged"})
        todo = Todo.first(title="logged")
        assert todo is not None
        self.client.post(f"/admin/nitro_dispatch/todo/{todo.id}/change/", {"title": "changed"})
        self.client.post(f"/admin/nitro_dispatch/todo/{todo.id}/delete/", {"post": "yes"})
        actions = list(
            LogEntry.objects.filter(object_id=todo.id)
            .order_by("id")
            .values_list("action_flag", flat=True)
        )
        assert actions == [ADDITION, CHANGE, DELETION]

    def test_autocomplete_of_a_foreign_key(self):
        todo = Todo.create(title="findable")
        Todo.create(title="other")
        query = {"app_label": "nitro_dispatch", "model_name": "typed", "field_name": "todo"}
        response = self.client.get("/admin/autocomplete/", {"term": "find", **query})
        assert [result["id"] for result in response.json()["results"]] == [todo.id]


class StaffAdminTests(TestCase):
    def setUp(self):
        self.user = User.objects.create_user("staff", password="pw", is_staff=True)
        self.client.force_login(self.user)
        self.todo = Todo.create(title="visible")

    def grant(self, *codenames: str) -> None:
        for codename in codenames:
            self.user.user_permissions.add(
                Permission.objects.get(content_type__app_label="nitro_dispatch", codename=codename)
            )

    def test_no_permission_no_access(self):
        assert self.client.get("/admin/nitro_dispatch/todo/").status_code == 403

    def test_view_permission_reads_but_cannot_add(self):
        self.grant("view_todo")
        assert (
            self.client.get("/admin/nitro_dispatch/todo/").status_code,
            self.client.get("/admin/nitro_dispatch/todo/add/").status_code,
        ) == (200, 403)

    def test_change_permission_saves(self):
        self.grant("view_todo", "change_todo")
        response = self.client.post(
            f"/admin/nitro_dispatch/todo/{self.todo.id}/change/", {"title": "edited"}
        )
        assert (response.status_code, Todo.get(self.todo.id).title) == (302, "edited")  # type: ignore[union-attr]

    def test_delete_needs_its_permission(self):
        self.grant("view_todo", "change_todo")
        response = self.client.post(
            f"/admin/nitro_dispatch/todo/{self.todo.id}/delete/", {"post": "yes"}
        )
        assert (response.status_code, Todo.exists(self.todo.id)) == (403, True)
