"""manage.py nitro_routes and migrate."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase, override_settings


class NitroRoutesTests(SimpleTestCase):
    def test_lists_routes(self):
        out = StringIO()
        call_command("nitro_routes", stdout=out)
        lines = out.getvalue().splitlines()
        assert lines[0].split() == [
            "POST",
            "/api/todo/<path:id>/toggle",
            "nitro:todo-toggle",
            "tests.todos.entities.Todo.toggle",
        ]
        assert lines[-1].split() == [
            "POST",
            "/api/counters/<int:id>/increment",
            "nitro:counters-increment",
            "tests.todos.entities.Counter.increment",
        ]

    @override_settings(ROOT_URLCONF="tests.testapp.urls")
    def test_nothing_routed(self):
        out = StringIO()
        call_command("nitro_routes", stdout=out)
        assert out.getvalue() == (
            "No entity actions are routed: add path('api/', include(DjangoDispatcher().urls)) to "
            "the URLconf.\n"
        )


class MigrateTests(TestCase):
    def test_entity_tables_exist_in_the_test_database(self):
        assert {"todo", "counter"} <= set(connection.introspection.table_names())

    def test_migrate_again_is_harmless(self):
        call_command("migrate", verbosity=0)
        assert "todo" in connection.introspection.table_names()
