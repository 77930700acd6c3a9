"""What an entity class declares: the Entity names its fields hide, its relationships' postponed
annotations, and the warnings pydantic gives while it is defined."""

from __future__ import annotations

import gc
import warnings
from collections.abc import Callable
from types import UnionType
from typing import Any, ForwardRef, get_args, get_origin

import pytest
from django.test import SimpleTestCase
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Mapped

from nitro_dispatch import Entity
from nitro_dispatch._model import api, hidden, resolve
from tests.ported.entities import Author, Course, Post, Student, Turnstile


def define(body: Callable[[], object]) -> None:
    """Run *body*, which defines entity classes. They are process-wide: those it defines go
    before other tests look."""
    body()
    gc.collect()


class ApiTests(SimpleTestCase):
    def test_what_each_name_is(self):
        names = api(Entity)
        assert [names[name] for name in ("count", "save", "signals", "admin", "filter")] == [
            "class method",
            "method",
            "property",
            "option",
            "class method",
        ]

    def test_every_public_name(self):
        assert sorted(api(Entity)) == sorted(
            (
                *("admin", "all", "count", "create", "delete", "delete_where", "exists"),
                *("fields_meta", "filter", "find", "find_by", "first", "get", "get_or_404"),
                *("route_name", "save", "search", "signals", "where"),
            )
        )

    def test_hidden_by_a_field(self):
        assert (hidden(Turnstile), hidden(Student)) == ({"count": "class method"}, {})


class DefinitionWarningTests(SimpleTestCase):
    def test_field_named_like_an_entity_method_is_defined_silently(self):
        def body() -> object:
            class Person(Entity):
                first: str = ""  # type: ignore[assignment]
                save: int = 0  # type: ignore[assignment]

            return (Person(first="Ann").first, Person().save)

        found: list[object] = []
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            define(lambda: found.append(body()))
        assert found == [("Ann", 0)]

    def test_attribute_of_another_base_is_still_warned_about(self):
        def body() -> None:
            class Base(Entity):
                def total(self) -> int:
                    return 0

            class Sub(Base):
                total: int = 0  # type: ignore[assignment]

        with pytest.warns(UserWarning) as record:
            define(body)
        assert [str(warning.message) for warning in record] == [
            'Field name "total" in "DefinitionWarningTests.test_attribute_of_another_base_is_still'
            '_warned_about.<locals>.body.<locals>.Sub" shadows an attribute in parent '
            '"DefinitionWarningTests.test_attribute_of_another_base_is_still_warned_about.'
            '<locals>.body.<locals>.Base"'
        ]

    def test_method_a_base_redefines_is_warned_about(self):
        def body() -> None:
            class Base(Entity):
                @classmethod
                def count(cls, *clauses: Any, **field_values: Any) -> int:
                    return 0

            class Sub(Base):
                count: int = 0  # type: ignore[assignment]

        with pytest.warns(UserWarning, match='^Field name "count" in'):
            define(body)


class RelationshipAnnotationTests(SimpleTestCase):
    """The ported entities declare their relationships with postponed annotations."""

    def test_list_of_a_class_defined_later(self):
        courses = sa_inspect(Student).relationships["courses"]
        assert (courses.mapper.class_, courses.uselist) == (Course, True)

    def test_optional_class_defined_before(self):
        author = sa_inspect(Post).relationships["author"]
        assert (author.mapper.class_, author.uselist) == (Author, False)

    def test_names_defined_later_are_forward_references(self):
        resolved = resolve("list[Later] | None", {})
        [listed, nothing] = get_args(resolved)
        assert (get_origin(resolved), get_args(listed), nothing) == (
            UnionType,
            (ForwardRef("Later"),),
            type(None),
        )

    def test_names_of_the_module_and_builtins(self):
        assert (
            resolve("Mapped[list[Author]]", {"Mapped": Mapped, "Author": Author})
            == (Mapped[list[Author]])
        )

    def test_what_cannot_be_evaluated_is_left_as_it_is(self):
        assert (resolve("list[Author", {}), resolve("Undefined.attr", {})) == (
            "list[Author",
            "Undefined.attr",
        )

    def test_annotations_that_are_not_text(self):
        assert resolve(list[Author], {}) == list[Author]
