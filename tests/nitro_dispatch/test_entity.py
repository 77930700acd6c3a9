"""Entity: the active-record API, on Django's connection and in Django's transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from pydantic import ValidationError
from sqlalchemy import text

from nitro_dispatch.db import get_engine, session
from tests.todos.entities import Counter, Todo


class EntityApiTests(TestCase):
    def test_create_and_get(self):
        todo = Todo.create(title="Buy milk")
        assert Todo.get(todo.id) == todo

    def test_default_key_is_a_uuid4_string(self):
        todo = Todo.create(title="x")
        assert (len(todo.id), todo.id[14]) == (36, "4")

    def test_integer_key(self):
        counter = Counter.create()
        assert (type(counter.id), Counter.get(counter.id)) == (int, counter)

    def test_get_of_a_missing_id_is_none(self):
        assert Todo.get("missing") is None

    def test_all_filter_where_first_count_exists(self):
        a = Todo.create(title="a", completed=True)
        b = Todo.create(title="b")
        assert (
            {t.title for t in Todo.all()},
            [t.title for t in Todo.filter(completed=False)],
            [t.title for t in Todo.where(Todo.title == "a")],
            Todo.first(completed=True),
            Todo.count(),
            Todo.count(completed=True),
            Todo.exists(b.id),
            Todo.exists("nope"),
        ) == ({"a", "b"}, ["b"], ["a"], a, 2, 1, True, False)

    def test_where_orders_limits_and_offsets(self):
        for title in "cab":
            Todo.create(title=title)
        titles = [t.title for t in Todo.where(order_by="title", limit=2, offset=1)]
        assert titles == ["b", "c"]

    def test_filter_of_an_unknown_field_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            Todo.filter(titel="x")
        assert str(excinfo.value) == (
            "Todo has no field 'titel'; its fields are: id, title, completed."
        )

    def test_save_updates(self):
        todo = Todo.create(title="a")
        todo.completed = True
        todo.save()
        assert Todo.get(todo.id).completed is True  # type: ignore[union-attr]

    def test_delete(self):
        todo = Todo.create(title="a")
        assert (todo.delete(), todo.delete(), Todo.count()) == (True, False, 0)

    def test_create_validates(self):
        with pytest.raises(ValidationError):
            Todo.create(title=None)

    def test_route_name(self):
        assert (Todo.route_name(), Counter.route_name()) == ("todo", "counters")


class SharedTransactionTests(TestCase):
    def test_both_orms_see_each_others_uncommitted_rows(self):
        with transaction.atomic():
            Todo.create(title="a")
            Group.objects.create(name="g")
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM todo")
                todos_seen_by_django = cursor.fetchone()[0]
            with session() as s:
                groups_seen_by_sqlmodel = s.execute(text("SELECT count(*) FROM auth_group")).one()[
                    0
                ]
        assert (todos_seen_by_django, groups_seen_by_sqlmodel) == (1, 1)

    def test_rollback_undoes_both_orms(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            Todo.create(title="a")
            Group.objects.create(name="g")
            raise RuntimeError
        assert (Todo.count(), Group.objects.count()) == (0, 0)

    def test_commit_keeps_both(self):
        with transaction.atomic():
            Todo.create(title="a")
            Group.objects.create(name="g")
        assert (Todo.count(), Group.objects.count()) == (1, 1)

    def test_nested_atomic_rolls_back_only_its_part(self):
        with transaction.atomic():
            Todo.create(title="kept")
            with pytest.raises(RuntimeError), transaction.atomic():
                Todo.create(title="undone")
                raise RuntimeError
        assert [t.title for t in Todo.all()] == ["kept"]

    def test_entities_use_djangos_connection(self):
        Todo.create(title="a")
        with session() as s:
            raw = s.connection().connection.dbapi_connection
        assert raw is connection.connection

    def test_engine_is_one_per_alias(self):
        assert get_engine() is get_engine("default")


class ReconnectTests(TransactionTestCase):
    def test_reconnects_after_django_closes_its_connection(self):
        Todo.create(title="a")
        connection.close()
        assert Todo.count() == 1
