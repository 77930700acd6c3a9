"""Checks W004 to W007: entity tables and columns the database lacks or holds differently."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from typing import Any
from unittest import mock

from django.core.checks import CheckMessage, Warning
from django.core.management import call_command
from django.db import connection, connections
from django.test import SimpleTestCase, TestCase, TransactionTestCase, override_settings
from sqlalchemy import INTEGER, TEXT, VARCHAR, Column, Dialect, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite

from nitro_dispatch._schema import Drift, _compare_columns
from nitro_dispatch.checks import check_schema
from tests.todos.entities import Hidden, Note, Todo

UNREACHABLE = {
    "sqlite": {"ENGINE": "django.db.backends.sqlite3", "NAME": "/nonexistent/directory/db.sqlite3"},
    # Nothing listens on port 1: the connection is refused at once.
    "postgresql": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "127.0.0.1",
        "PORT": "1",
        "USER": "postgres",
        "NAME": "nitro_dispatch",
    },
}


@contextmanager
def unreachable_database(test: SimpleTestCase, vendor: str) -> Iterator[str]:
    """A DATABASES alias that cannot be connected to, as the entity database of *test*."""
    # One alias per vendor: an engine is built once per alias, for its vendor.
    alias = f"unreachable_{vendor}"
    connections.settings[alias] = {
        **connections.settings["default"],
        **UNREACHABLE[vendor],
        "OPTIONS": {},
    }
    # A test case refuses to connect to an alias not in its databases, which pytest-django reads
    # at collection to create the test databases: the alias joins them only now.
    allowed = {*test.databases, alias}
    try:
        with (
            mock.patch.object(type(test), "databases", allowed),
            override_settings(NITRO_DISPATCH={"DATABASE": alias}),
        ):
            yield alias
    finally:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def false() -> str:
    return "false" if connection.vendor == "postgresql" else "0"


def missing_column(entity: Any, table: str, column: str, operation: str) -> Warning:
    return Warning(
        f"Column {table}.{column} of tests.todos.entities.{entity.__name__} does not exist in "
        "DATABASES['default']: the entity's queries fail until it is added.",
        hint="migrate and nitro_createtables create missing tables only, never columns. Add it "
        f"with a migration in one of your apps, {operation}, or with Alembic; while the table's "
        "rows can go, dropping the table and running nitro_createtables recreates it.",
        obj=entity,
        id="nitro_dispatch.W005",
    )


POSTGRESQL: Dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
SQLITE: Dialect = sqlite.dialect()
ALTER_HINT = (
    "Change the column with a migration in one of your apps (migrations.RunSQL) or with "
    "Alembic, or change the field to match it: migrate and nitro_createtables never alter tables."
)


class TableCheckTests(TestCase):
    """On the test database, changed inside each test's transaction."""

    def test_matching_database_passes(self):
        assert check_schema(databases=["default"]) == []

    def test_missing_tables(self):
        execute("DROP TABLE hidden", "DROP TABLE note")
        assert check_schema(databases=["default"]) == [
            Warning(
                "Entity tables missing from DATABASES['default']: hidden "
                "(tests.todos.entities.Hidden), note (tests.todos.entities.Note). Their entities' "
                "queries fail until they are created.",
                hint="Run manage.py migrate or manage.py nitro_createtables: both create the "
                "entity tables that do not exist.",
                id="nitro_dispatch.W004",
            )
        ]

    def test_missing_column_with_a_default(self):
        execute("ALTER TABLE todo DROP COLUMN completed")
        sql = f"ALTER TABLE todo ADD COLUMN completed BOOLEAN NOT NULL DEFAULT {false()}"
        assert check_schema(databases=["default"]) == [
            missing_column(Todo, "todo", "completed", f"migrations.RunSQL({sql!r})")
        ]
        # The statement the hint gives mends it.
        execute(sql)
        assert (check_schema(databases=["default"]), Todo.create(title="a").completed) == (
            [],
            False,
        )

    def test_missing_required_column(self):
        execute("ALTER TABLE todo DROP COLUMN title")
        sql = "ALTER TABLE todo ADD COLUMN title VARCHAR NOT NULL"
        assert check_schema(databases=["default"]) == [
            missing_column(
                Todo,
                "todo",
                "title",
                f"migrations.RunSQL({sql!r}) with a DEFAULT for the rows the table holds",
            )
        ]

    def test_missing_nullable_column(self):
        from tests.todos.entities import Event

        execute("ALTER TABLE event DROP COLUMN day")
        sql = "ALTER TABLE event ADD COLUMN day DATE"
        assert check_schema(databases=["default"]) == [
            missing_column(Event, "event", "day", f"migrations.RunSQL({sql!r})")
        ]

    def test_missing_column_with_a_server_default(self):
        from tests.todos.entities import Stamped

        execute("ALTER TABLE stamped DROP COLUMN serial")
        sql = "ALTER TABLE stamped ADD COLUMN serial INTEGER DEFAULT 7 NOT NULL"
        assert check_schema(databases=["default"]) == [
            missing_column(Stamped, "stamped", "serial", f"migrations.RunSQL({sql!r})")
        ]

    def test_nullability_differs(self):
        from tests.todos.entities import Task

        # A key declared without NOT NULL (which SQLite reports as nullable) is no difference.
        execute(
            "DROP TABLE hidden",
            "CREATE TABLE hidden (id VARCHAR PRIMARY KEY, secret VARCHAR)",
            "DROP TABLE task",
            "CREATE TABLE task (id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, "
            "project_id VARCHAR NOT NULL)",
        )
        assert check_schema(databases=["default"]) == [
            Warning(
                "Column hidden.secret allows NULL in DATABASES['default'], but "
                "tests.todos.entities.Hidden does not: a NULL loads as None.",
                hint=ALTER_HINT,
                obj=Hidden,
                id="nitro_dispatch.W006",
            ),
            Warning(
                "Column task.project_id is NOT NULL in DATABASES['default'], but "
                "tests.todos.entities.Task allows None: saving None fails.",
                hint=ALTER_HINT,
                obj=Task,
                id="nitro_dispatch.W006",
            ),
        ]

    def test_type_differs_on_postgresql_only(self):
        # TEXT for VARCHAR is the same kind of type; SQLite stores any value in any column.
        execute(
            "DROP TABLE note",
            "CREATE TABLE note (id TEXT NOT NULL PRIMARY KEY, text INTEGER NOT NULL)",
        )
        expected = [
            Warning(
                "Column note.text is INTEGER in DATABASES['default'], but "
                "tests.todos.entities.Note maps it as VARCHAR.",
                hint=ALTER_HINT,
                obj=Note,
                id="nitro_dispatch.W006",
            )
        ]
        assert check_schema(databases=["default"]) == (
            expected if connection.vendor == "postgresql" else []
        )

    def test_column_the_entity_does_not_have(self):
        execute(
            "DROP TABLE hidden",
            "CREATE TABLE hidden (id VARCHAR NOT NULL PRIMARY KEY, secret VARCHAR NOT NULL, "
            "legacy VARCHAR NOT NULL, spare VARCHAR, fixed VARCHAR NOT NULL DEFAULT 'x')",
        )
        assert check_schema(databases=["default"]) == [
            Warning(
                "Column hidden.legacy of DATABASES['default'] is NOT NULL without a default, and "
                "tests.todos.entities.Hidden has no field for it: creating an entity fails.",
                hint="Drop the column, allow NULL in it or give it a DEFAULT, with a migration in "
                "one of your apps (migrations.RunSQL) or with Alembic; or give the entity the "
                "field.",
                obj=Hidden,
                id="nitro_dispatch.W006",
            )
        ]

    def test_reported_by_check_with_database_only(self):
        execute("ALTER TABLE todo DROP COLUMN completed")
        with_database, without = StringIO(), StringIO()
        call_command("check", "--database", "default", stdout=StringIO(), stderr=with_database)
        call_command("check", stdout=StringIO(), stderr=without)
        line = (
            "<class 'tests.todos.entities.Todo'>: (nitro_dispatch.W005) Column todo.completed of "
            "tests.todos.entities.Todo does not exist in DATABASES['default']: the entity's "
            "queries fail until it is added."
        )
        assert (line in with_database.getvalue(), "W005" in without.getvalue()) == (True, False)

    def test_reported_by_migrate(self):
        execute("ALTER TABLE todo DROP COLUMN completed")
        err = StringIO()
        call_command("migrate", verbosity=0, skip_checks=False, stdout=StringIO(), stderr=err)
        assert "(nitro_dispatch.W005) Column todo.completed of" in err.getvalue()


class TransactionTests(TransactionTestCase):
    def test_no_transaction_is_left_open(self):
        assert check_schema(databases=["default"]) == []
        driver = connection.connection
        if connection.vendor == "postgresql":
            import psycopg

            assert driver.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        else:
            assert driver.in_transaction is False
        assert (connection.get_autocommit(), connection.in_atomic_block) == (True, False)


class UnreadableDatabaseTests(TransactionTestCase):
    def check_unreachable(self, vendor: str) -> CheckMessage:
        with unreachable_database(self, vendor) as alias:
            [message] = check_schema(databases=[alias])
        assert (message.id, message.hint) == (
            "nitro_dispatch.W007",
            f"Make sure the database is running and that DATABASES[{alias!r}] points at it, then "
            f"run manage.py check --database {alias}.",
        )
        return message

    def test_sqlite_file_that_cannot_be_opened(self):
        assert self.check_unreachable("sqlite").msg == (
            "DATABASES['unreachable_sqlite'] could not be read, so the entity tables were not "
            "compared with it: unable to open database file"
        )

    def test_postgresql_server_that_refuses(self):
        assert self.check_unreachable("postgresql").msg.startswith(
            "DATABASES['unreachable_postgresql'] could not be read, so the entity tables were "
            'not compared with it: connection failed: connection to server at "127.0.0.1", port '
            "1 failed: Connection refused Is the server running"
        )


class CheckScopeTests(SimpleTestCase):
    """Without the entity database among those checked, nothing is read (SimpleTestCase would
    refuse the query)."""

    def test_without_databases(self):
        assert check_schema() == []

    def test_other_database(self):
        assert check_schema(databases=["other"]) == []

    @override_settings(NITRO_DISPATCH={"DATABASE": "other"})
    def test_entity_database_is_the_setting(self):
        assert check_schema(databases=["default"]) == []


class MessageTests(SimpleTestCase):
    """The messages, from what the inspector would return."""

    def test_missing_tables_of_another_database(self):
        [message] = Drift("replica", missing=[Note.__table__]).messages()  # type: ignore[attr-defined]
        assert message.hint == (
            "Run manage.py migrate --database replica or manage.py nitro_createtables --database "
            "replica: both create the entity tables that do not exist."
        )

    def test_missing_table_without_an_entity(self):
        link = Table("link", MetaData(), Column("id", Integer, primary_key=True))
        [message] = Drift("default", missing=[link]).messages()
        assert message.msg == (
            "Entity tables missing from DATABASES['default']: link "
            "(sqlmodel.SQLModel.metadata). Their entities' queries fail until they are "
            "created."
        )

    def compare_secret(self, dialect: Any, column: dict[str, Any]) -> list[str]:
        reflected: list[Any] = [
            {"name": "id", "type": VARCHAR(), "nullable": False, "default": None},
            {"name": "secret", "nullable": False, "default": None, **column},
        ]
        table = Hidden.__table__  # type: ignore[attr-defined]
        return [message.msg for message in _compare_columns("default", dialect, table, reflected)]

    def test_postgresql_type_of_another_kind(self):
        assert self.compare_secret(POSTGRESQL, {"type": postgresql.UUID()}) == [
            "Column hidden.secret is UUID in DATABASES['default'], but "
            "tests.todos.entities.Hidden maps it as VARCHAR."
        ]

    def test_postgresql_spellings_of_the_same_kind(self):
        for held in (TEXT(), postgresql.ENUM("a", name="kind"), VARCHAR(5)):
            assert self.compare_secret(POSTGRESQL, {"type": held}) == []

    def test_postgresql_type_that_is_not_compared(self):
        assert self.compare_secret(POSTGRESQL, {"type": postgresql.INTERVAL()}) == []

    def test_sqlite_types_are_not_compared(self):
        assert self.compare_secret(SQLITE, {"type": INTEGER()}) == []

    def test_generated_columns_the_entity_does_not_have(self):
        identity = {"always": True, "start": 1, "increment": 1}
        generated: list[tuple[str, dict[str, Any]]] = [
            ("serial", {"identity": identity}),
            ("one", {"computed": {"sqltext": "1"}}),
        ]
        extra = [
            {"name": name, "type": INTEGER(), "nullable": False, "default": None, **more}
            for name, more in generated
        ]
        reflected: list[Any] = [
            {"name": "id", "type": VARCHAR(), "nullable": False, "default": None},
            {"name": "secret", "type": VARCHAR(), "nullable": False, "default": None},
            *extra,
        ]
        table = Hidden.__table__  # type: ignore[attr-defined]
        assert list(_compare_columns("default", POSTGRESQL, table, reflected)) == []
