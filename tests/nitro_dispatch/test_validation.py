"""Entities validate on construction, assignment, create() and save(), as pydantic and their
columns require."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from pydantic import ValidationError

from tests.todos.entities import Counter, Limited, Project, Shout, Task, Timestamped, Todo


def errors(excinfo: pytest.ExceptionInfo[ValidationError]) -> list[dict[str, Any]]:
    return [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in excinfo.value.errors(include_url=False)
    ]


def int_column_max() -> int:
    """The largest value of an INTEGER column: 32 bits on PostgreSQL, 64 on SQLite."""
    return 2**31 - 1 if connection.vendor == "postgresql" else 2**63 - 1


class AssignmentTests(TestCase):
    def test_wrong_type_is_refused(self):
        todo = Todo(title="a")
        with pytest.raises(ValidationError) as excinfo:
            todo.title = None  # type: ignore[assignment]
        assert errors(excinfo) == [
            {"loc": ["title"], "msg": "Input should be a valid string", "type": "string_type"}
        ]

    def test_refused_value_leaves_the_entity_as_it_was(self):
        todo = Todo.create(title="a")
        with pytest.raises(ValidationError):
            todo.title = None  # type: ignore[assignment]
        todo.save()
        assert (todo.title, Todo.get(todo.id).title) == ("a", "a")  # type: ignore[union-attr]

    def test_value_is_coerced(self):
        counter = Counter()
        counter.value = "7"  # type: ignore[assignment]
        assert counter.value == 7

    def test_field_validator_runs_once(self):
        shout = Shout()
        shout.text = "hey"
        assert shout.text == "hey!"

    def test_model_validator_sees_the_other_fields(self):
        shout = Shout(start=5, end=9)
        with pytest.raises(ValidationError) as excinfo:
            shout.end = 1
        assert (errors(excinfo), shout.end) == (
            [{"loc": [], "msg": "Value error, end comes before start", "type": "value_error"}],
            9,
        )

    def test_null_character_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            Todo(title="a\x00b")
        assert errors(excinfo) == [
            {"loc": ["title"], "msg": "Null characters are not allowed", "type": "null_character"}
        ]

    def test_unpaired_surrogate_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            Todo(title="\udfff")
        assert errors(excinfo)[0]["type"] == "surrogate_character"

    def test_integer_beyond_the_column_is_refused(self):
        counter = Counter()
        with pytest.raises(ValidationError) as excinfo:
            counter.value = int_column_max() + 1
        assert errors(excinfo) == [
            {
                "loc": ["value"],
                "msg": f"Input should be less than or equal to {int_column_max()}",
                "type": "less_than_equal",
            }
        ]

    def test_largest_integer_of_the_column_is_taken(self):
        counter = Counter.create(value=int_column_max())
        assert Counter.get(counter.id).value == int_column_max()  # type: ignore[union-attr]

    def test_integer_below_the_column_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            Counter(value=-int_column_max() - 2)
        assert errors(excinfo)[0]["type"] == "greater_than_equal"

    def test_small_and_big_integer_columns(self):
        small = 2**15 - 1 if connection.vendor == "postgresql" else 2**63 - 1
        Limited(small=small, big=2**63 - 1)
        with pytest.raises(ValidationError) as excinfo:
            Limited(small=small + 1)
        assert errors(excinfo)[0]["msg"] == f"Input should be less than or equal to {small}"

    def test_text_longer_than_its_column_is_refused(self):
        with pytest.raises(ValidationError) as excinfo:
            Limited(short="abcdef")
        assert errors(excinfo) == [
            {
                "loc": ["short"],
                "msg": "String should have at most 5 characters",
                "type": "string_too_long",
            }
        ]

    def test_booleans_are_not_range_checked(self):
        assert Todo(title="a", completed=True).completed is True


class ConstructionTests(TestCase):
    def test_values_given_are_validated(self):
        with pytest.raises(ValidationError):
            Todo(title=None)  # type: ignore[arg-type]

    def test_defaults_are_not_validated_again(self):
        assert Shout().text == ""

    def test_unknown_names_are_ignored_as_sqlmodel_does(self):
        assert Todo(title="a", colour="red").title == "a"  # type: ignore[call-arg]


class CreateTests(TestCase):
    def test_validators_run_once(self):
        shout = Shout.create(text="hi")
        assert (shout.text, Shout.get(shout.id).text) == ("hi!", "hi!")  # type: ignore[union-attr]

    def test_every_error_at_once(self):
        with pytest.raises(ValidationError) as excinfo:
            Todo.create(title=None, completed="maybe")
        assert [error["loc"] for error in errors(excinfo)] == [["title"], ["completed"]]

    def test_column_errors(self):
        with pytest.raises(ValidationError) as excinfo:
            Limited.create(short="toolong", big=2**64)
        assert [error["loc"] for error in errors(excinfo)] == [["short"], ["big"]]

    def test_nothing_is_written_when_refused(self):
        with pytest.raises(ValidationError):
            Limited.create(short="toolong")
        assert Limited.count() == 0


class SaveTests(TestCase):
    def test_missing_required_field(self):
        with pytest.raises(ValidationError) as excinfo:
            Todo().save()  # type: ignore[call-arg]
        assert (errors(excinfo), Todo.count()) == (
            [{"loc": ["title"], "msg": "Field required", "type": "missing"}],
            0,
        )

    def test_value_put_in_unvalidated(self):
        todo = Todo.create(title="a")
        todo.__dict__["title"] = "b\x00"  # what assignment would refuse
        with pytest.raises(ValidationError):
            todo.save()
        assert Todo.get(todo.id).title == "a"  # type: ignore[union-attr]

    def test_expired_fields_are_not_missing(self):
        todo = Todo.create(title="a")
        del todo.__dict__["title"]  # as SQLAlchemy leaves an expired attribute
        todo.completed = True
        todo.save()
        assert Todo.get(todo.id).completed is True  # type: ignore[union-attr]


class KeyTests(TestCase):
    """get() and exists() of ids no row can have: None and False, without asking the database
    anything it would refuse."""

    def test_string_key_with_a_null_character(self):
        assert (Todo.get("a\x00"), Todo.exists("a\x00")) == (None, False)

    def test_integer_key_beyond_the_column(self):
        assert (Counter.get(2**70), Counter.exists(int_column_max() + 1)) == (None, False)

    def test_integer_key_given_as_text(self):
        counter = Counter.create(value=3)
        assert (Counter.get(str(counter.id)), Counter.get("x1")) == (counter, None)

    def test_integer_key_of_another_type(self):
        assert (Counter.get(True), Counter.get(1.5)) == (None, None)


class OtherEntityTests(TestCase):
    def test_entity_without_a_table_validates_without_columns(self):
        from datetime import UTC, datetime

        stamp = Timestamped()
        stamp.created = "2026-12-01T09:00:00Z"  # type: ignore[assignment]
        assert stamp.created == datetime(2026, 12, 1, 9, tzinfo=UTC)

    def test_entity_without_a_table_validates_what_it_is_given(self):
        with pytest.raises(ValidationError) as excinfo:
            Timestamped(created="soon")  # type: ignore[arg-type]
        assert errors(excinfo)[0]["type"] == "datetime_from_date_parsing"

    def test_relationship_given_at_construction(self):
        project = Project.create(name="p")
        task = Task(name="t", project=project)
        assert (task.project, task.name) == (project, "t")
