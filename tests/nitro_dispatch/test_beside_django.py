"""Entities beside Django models: one transaction, flush, foreign keys, async, table creation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import SynchronousOnlyOperation
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, TransactionTestCase
from django.urls import reverse
from sqlalchemy import inspect

from nitro_dispatch.db import get_engine
from tests.todos.entities import Hidden, Todo, Typed


class OneTransactionTests(TestCase):
    def test_action_writing_both_orms_commits_both(self):
        response = self.client.post(reverse("nitro:todo-with_group"), {"name": "both"})
        assert (response.status_code, Group.objects.filter(name="both").count(), Todo.count()) == (
            200,
            1,
            1,
        )


class FlushTests(TransactionTestCase):
    def test_flush_empties_entity_tables(self):
        Todo.create(title="left over")
        call_command("flush", interactive=False, verbosity=0)
        assert Todo.count() == 0

    def test_transaction_test_case_teardown_leaves_no_entity_rows(self):
        Todo.create(title="left over")
        self._fixture_teardown()  # type: ignore[attr-defined]  # what runs after each test
        assert Todo.count() == 0

    def test_migrate_keeps_entity_rows(self):
        Todo.create(title="kept")
        call_command("migrate", verbosity=0)
        assert Todo.count() == 1


class DjangoForeignKeyTests(TestCase):
    def test_entity_refers_to_a_user(self):
        user = User.objects.create_user("ann")
        typed = Typed.create(name="mine", owner_id=user.pk)
        assert Typed.get(typed.id).owner_id == user.pk  # type: ignore[union-attr]

    def test_foreign_key_to_a_django_table_is_no_database_constraint(self):
        foreign_keys = inspect(get_engine()).get_foreign_keys("typed")
        assert [key["referred_table"] for key in foreign_keys] == ["todo"]


class CreateTablesCommandTests(TestCase):
    def test_every_table_exists(self):
        out = StringIO()
        call_command("nitro_createtables", stdout=out)
        assert out.getvalue() == "Every entity table exists already.\n"

    def test_creates_a_missing_table(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {Hidden.__tablename__}")
        out = StringIO()
        call_command("nitro_createtables", "--database", "default", stdout=out)
        assert (out.getvalue(), Hidden.count()) == ("Created hidden.\n", 0)


class AsyncTests(TestCase):
    async def test_entity_api_from_an_async_view(self):
        response = await self.async_client.get(reverse("async-open"))
        assert response.json() == {"open": 0}

    async def test_entity_api_called_straight_from_async_code_is_refused(self):
        with pytest.raises(SynchronousOnlyOperation):
            Todo.count()
