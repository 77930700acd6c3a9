"""Entity: the active-record API, on Django's connection and in Django's transaction."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.test import TestCase, TransactionTestCase
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from nitro_dispatch.db import get_engine, session
from nitro_dispatch.exceptions import EntityGone
from tests.ported.entities import Member
from tests.todos.entities import Counter, Stamped, Todo


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

    def test_entity_of_an_open_session_is_deleted_through_it(self):
        todo = Todo.create(title="a")
        with session() as s:
            loaded = s.get(Todo, todo.id)
            deleted = loaded.delete()  # type: ignore[union-attr]
            gone = s.get(Todo, todo.id) is None
        assert (deleted, gone, Todo.count()) == (True, True, 0)

    def test_delete_of_an_entity_never_saved(self):
        assert Counter().delete() is False

    def test_delete_where(self):
        Todo.create(title="a", completed=True)
        Todo.create(title="b", completed=True)
        kept = Todo.create(title="c")
        assert (Todo.delete_where(completed=True), Todo.all()) == (2, [kept])

    def test_delete_where_with_clauses(self):
        Todo.create(title="a")
        assert (Todo.delete_where(Todo.title == "b"), Todo.delete_where(), Todo.count()) == (
            0,
            1,
            0,
        )

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


class SaveTests(TestCase):
    """save() updates the row an entity was read from, changed fields only, and never brings
    a deleted row back; only a new entity is inserted."""

    def test_changed_fields_only(self):
        todo = Todo.create(title="a")
        first, second = Todo.get(todo.id), Todo.get(todo.id)
        first.title = "renamed"  # type: ignore[union-attr]
        first.save()  # type: ignore[union-attr]
        second.completed = True  # type: ignore[union-attr]
        second.save()  # type: ignore[union-attr]
        stored = Todo.get(todo.id)
        assert (stored.title, stored.completed) == ("renamed", True)  # type: ignore[union-attr]

    def test_deleted_row_is_not_brought_back(self):
        todo = Todo.create(title="a")
        Todo.get(todo.id).delete()  # type: ignore[union-attr]
        todo.title = "b"
        with pytest.raises(EntityGone) as excinfo:
            todo.save()
        assert (str(excinfo.value), Todo.count()) == (
            f"Todo {todo.id!r} was deleted after it was read; it was not saved again. "
            "Read it again (or create() a new one).",
            0,
        )

    def test_unchanged_save_of_a_deleted_row_says_so(self):
        todo = Todo.create(title="a")
        todo.delete()
        with pytest.raises(EntityGone):
            todo.save()

    def test_entity_keeps_its_values_when_its_row_is_gone(self):
        todo = Todo.create(title="a")
        todo.delete()
        todo.title = "b"
        with pytest.raises(EntityGone):
            todo.save()
        assert (todo.title, todo.completed) == ("b", False)

    def test_gone_is_a_django_does_not_exist(self):
        assert issubclass(EntityGone, ObjectDoesNotExist)

    def test_new_entity_is_inserted_then_updated(self):
        todo = Todo(title="new")
        todo.save()
        todo.title = "newer"
        todo.save()
        assert [t.title for t in Todo.all()] == ["newer"]

    def test_save_returns_true_as_nitro_does(self):
        assert Todo(title="a").save() is True

    def test_insert_of_an_existing_key_is_refused(self):
        todo = Todo.create(title="a")
        with pytest.raises(IntegrityError), transaction.atomic():
            Todo(id=todo.id, title="b").save()
        assert Todo.get(todo.id).title == "a"  # type: ignore[union-attr]

    def test_refused_insert_leaves_the_values_as_they_were(self):
        Member.create(id="1", name="first")
        member = Member(id="1", name="second", status=None)
        with pytest.raises(IntegrityError), transaction.atomic():
            member.save()
        assert (member.status, Member.get("1").status) == (None, "active")  # type: ignore[union-attr]

    def test_integer_key_is_set_by_the_insert(self):
        counter = Counter(value=1)
        counter.save()
        assert counter.id == Counter.first().id  # type: ignore[union-attr]

    def test_entity_of_an_open_session_is_written_through_it(self):
        todo = Todo.create(title="a")
        with session() as s:
            loaded = s.get(Todo, todo.id)
            loaded.title = "b"  # type: ignore[union-attr]
            loaded.save()  # type: ignore[union-attr]
        assert Todo.get(todo.id).title == "b"  # type: ignore[union-attr]

    def test_server_default_is_read_back(self):
        stamped = Stamped(label="x")  # type: ignore[call-arg]
        stamped.save()
        assert stamped.serial == 7

    def test_value_the_database_sets_on_update_is_read_back(self):
        stamped = Stamped(label="x")  # type: ignore[call-arg]
        stamped.save()
        stamped.label = "y"
        stamped.save()
        assert (stamped.label, stamped.touched) == ("y", 0)


class LockTests(TestCase):
    def locked(self, *reads: Callable[[], object]) -> list[bool]:
        """Run *reads*; return whether each statement they executed ends in FOR UPDATE."""
        from sqlalchemy import event

        statements: list[str] = []

        def record(conn: object, cursor: object, statement: str, *args: object) -> None:
            statements.append(statement)

        event.listen(get_engine(), "before_cursor_execute", record)
        try:
            for read in reads:
                read()
        finally:
            event.remove(get_engine(), "before_cursor_execute", record)
        return [statement.endswith("FOR UPDATE") for statement in statements]

    def test_get_for_update_locks_the_row_on_postgresql(self):
        todo = Todo.create(title="a")
        locked = self.locked(lambda: Todo.get(todo.id, for_update=True), lambda: Todo.get(todo.id))
        assert locked == ([True, False] if connection.vendor == "postgresql" else [False, False])

    def test_get_or_404_for_update_locks_the_row_on_postgresql(self):
        todo = Todo.create(title="a")
        locked = self.locked(
            lambda: Todo.get_or_404(todo.id, for_update=True), lambda: Todo.get_or_404(todo.id)
        )
        assert locked == ([True, False] if connection.vendor == "postgresql" else [False, False])
