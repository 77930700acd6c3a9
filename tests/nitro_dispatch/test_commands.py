"""manage.py nitro_routes, nitro_createtables and migrate."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings

from tests.nitro_dispatch.test_schema_checks import execute, false, unreachable_database

W005_TODO_COMPLETED = (
    "(nitro_dispatch.W005) Column todo.completed of tests.todos.entities.Todo does not exist in "
    "DATABASES['default']: the entity's queries fail until it is added.\n\tHINT: "
)


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
        assert [
            "POST",
            "/api/counters/<int:id>/increment",
            "nitro:counters-increment",
            "tests.todos.entities.Counter.increment",
        ] in [line.split() for line in lines]

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


class CreateTablesCheckTests(TestCase):
    def test_check_passes(self):
        out = StringIO()
        call_command("nitro_createtables", "--check", stdout=out)
        assert out.getvalue() == "Every entity table and column exists.\n"

    def test_check_lists_what_is_missing_and_creates_nothing(self):
        execute("DROP TABLE hidden", "ALTER TABLE todo DROP COLUMN completed")
        out = StringIO()
        with pytest.raises(CommandError) as raised:
            call_command("nitro_createtables", "--check", "--database", "default", stdout=out)
        sql = f"ALTER TABLE todo ADD COLUMN completed BOOLEAN NOT NULL DEFAULT {false()}"
        assert (str(raised.value), raised.value.returncode, out.getvalue()) == (
            "DATABASES['default'] differs from the entities:\n"
            "(nitro_dispatch.W004) Entity tables missing from DATABASES['default']: hidden "
            "(tests.todos.entities.Hidden). Their entities' queries fail until they are created.\n"
            "\tHINT: Run manage.py migrate or manage.py nitro_createtables: both create the entity "
            "tables that do not exist.\n"
            "(nitro_dispatch.W005) Column todo.completed of tests.todos.entities.Todo does not "
            "exist in DATABASES['default']: the entity's queries fail until it is added.\n"
            "\tHINT: migrate and nitro_createtables create missing tables only, never columns. Add "
            f"it with a migration in one of your apps, migrations.RunSQL({sql!r}), or with "
            "Alembic; while the table's rows can go, dropping the table and running "
            "nitro_createtables recreates it.",
            1,
            "",
        )
        assert "hidden" not in connection.introspection.table_names()

    def test_creating_reports_the_columns_it_cannot_add(self):
        execute("DROP TABLE hidden", "ALTER TABLE todo DROP COLUMN completed")
        out, err = StringIO(), StringIO()
        call_command("nitro_createtables", stdout=out, stderr=err)
        assert (out.getvalue(), err.getvalue().startswith(W005_TODO_COMPLETED)) == (
            "Created hidden.\n",
            True,
        )
        assert "hidden" in connection.introspection.table_names()

    def test_tables_that_exist_with_columns_missing(self):
        execute("ALTER TABLE todo DROP COLUMN completed")
        out, err = StringIO(), StringIO()
        call_command("nitro_createtables", stdout=out, stderr=err)
        assert (out.getvalue(), err.getvalue().startswith(W005_TODO_COMPLETED)) == (
            "Every entity table exists already.\n",
            True,
        )


class CreateTablesUnreachableTests(TransactionTestCase):
    def test_database_that_cannot_be_read(self):
        for options in (["--check"], []):
            with (
                unreachable_database(self, "sqlite") as alias,
                pytest.raises(CommandError) as raised,
            ):
                call_command("nitro_createtables", *options, "--database", alias)
            assert str(raised.value) == (
                "DATABASES['unreachable_sqlite'] could not be read: unable to open database file"
            )
