"""The tables created with the entities: theirs, and the SQLModel tables joined to them (link
tables of many-to-many relationships, child tables), by migrate, nitro_createtables and flush."""

from __future__ import annotations

from io import StringIO

from django.core.checks import Warning
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from sqlmodel import Field, SQLModel, func, select

from nitro_dispatch._tables import entity_tables, table_class
from nitro_dispatch.checks import check_schema
from nitro_dispatch.db import session
from tests.nitro_dispatch.test_schema_checks import execute
from tests.ported.entities import Course, Enrollment, Post, Remark, Student
from tests.todos.entities import Todo


class Unjoined(SQLModel, table=True):
    """A SQLModel table no foreign key joins to an entity: not the entities' to create."""

    id: int | None = Field(default=None, primary_key=True)
    # A target that exists nowhere: nothing may try to resolve it.
    elsewhere_id: int | None = Field(default=None, foreign_key="elsewhere.id")


def names() -> list[str]:
    return [table.name for table in entity_tables()]


class EntityTablesTests(TestCase):
    def test_link_table_comes_after_both_entities(self):
        tables = names()
        assert tables.index("student") < tables.index("enrollment") > tables.index("course")

    def test_table_with_a_foreign_key_to_an_entity(self):
        tables = names()
        assert tables.index("post") < tables.index("remark")

    def test_other_sqlmodel_tables_are_left_out(self):
        assert ("unjoined" in SQLModel.metadata.tables, "unjoined" in names()) == (True, False)

    def test_other_sqlmodel_tables_get_no_stand_ins(self):
        # migrate ran after this module defined Unjoined: its foreign key is not the entities'.
        assert "elsewhere" not in SQLModel.metadata.tables

    def test_django_stand_ins_are_left_out(self):
        assert (SQLModel.metadata.tables["auth_user"].info, "auth_user" in names()) == (
            {"django": True},
            False,
        )

    def test_class_of_a_table(self):
        tables = SQLModel.metadata.tables
        assert [table_class(tables[name]) for name in ("todo", "enrollment", "auth_user")] == [
            Todo,
            Enrollment,
            None,
        ]


class MigrateTests(TestCase):
    def test_link_and_child_tables_exist_in_the_test_database(self):
        present = set(connection.introspection.table_names())
        assert ({"enrollment", "remark"} <= present, "unjoined" in present) == (True, False)

    def test_link_table_foreign_keys_are_constraints(self):
        constraints = connection.introspection.get_constraints(connection.cursor(), "enrollment")
        targets = sorted(
            found["foreign_key"] for found in constraints.values() if found["foreign_key"]
        )
        assert targets == [("course", "id"), ("student", "id")]


class SchemaCheckTests(TestCase):
    def test_missing_link_table_is_named_with_its_class(self):
        execute("DROP TABLE enrollment")
        assert check_schema(databases=["default"]) == [
            Warning(
                "Entity tables missing from DATABASES['default']: enrollment "
                "(tests.ported.entities.Enrollment). Their entities' queries fail until they are "
                "created.",
                hint="Run manage.py migrate or manage.py nitro_createtables: both create the "
                "entity tables that do not exist.",
                id="nitro_dispatch.W004",
            )
        ]

    def test_missing_column_of_a_link_table(self):
        execute(
            "DROP TABLE remark",
            "CREATE TABLE remark (id INTEGER PRIMARY KEY, text VARCHAR NOT NULL)",
        )
        [message] = check_schema(databases=["default"])
        assert (message.id, message.obj, message.msg) == (
            "nitro_dispatch.W005",
            Remark,
            "Column remark.post_id of tests.ported.entities.Remark does not exist in "
            "DATABASES['default']: the entity's queries fail until it is added.",
        )


class CreateTablesTests(TestCase):
    def test_creates_a_missing_link_table(self):
        execute("DROP TABLE enrollment")
        out = StringIO()
        call_command("nitro_createtables", stdout=out)
        assert (out.getvalue(), "enrollment" in connection.introspection.table_names()) == (
            "Created enrollment.\n",
            True,
        )


class FlushTests(TransactionTestCase):
    def test_flush_empties_link_and_child_tables(self):
        student = Student.create(name="Bob", courses=[Course(name="Python")])
        post = Post.create(title="one")
        with session() as s:
            s.add(Remark(post_id=post.id))
            s.commit()
        call_command("flush", interactive=False, verbosity=0)
        with session() as s:
            left = [
                s.exec(select(func.count()).select_from(table)).one()
                for table in (Enrollment, Remark)
            ]
        assert (left, Student.exists(student.id)) == ([0, 0], False)
