"""The check helpers, in this process, on routes built for the occasion."""

from __future__ import annotations

import gc
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.checks import Warning
from django.test import SimpleTestCase, override_settings
from sqlmodel import Relationship

from nitro_dispatch import DjangoDispatcher, Entity
from nitro_dispatch.actions import ActionMetadata
from nitro_dispatch.checks import (
    _check_conflicts,
    _check_hidden,
    _check_parameters,
    _check_sqlite_transactions,
    _check_tables,
    check_entities,
)
from nitro_dispatch.dispatcher import Route
from nitro_dispatch.entity import entity_classes
from tests.todos.entities import Todo


class Opaque:
    pass


def takes_opaque(value: Opaque) -> None:
    pass


class OneRoute(DjangoDispatcher):
    def __init__(self, route: Route) -> None:
        super().__init__(entities=[])
        self.route = route

    def routes(self) -> list[Route]:
        return [self.route]


class CheckHelperTests(SimpleTestCase):
    def test_same_entity_twice_conflicts_with_itself(self):
        messages = list(_check_conflicts([DjangoDispatcher(entities=[Todo, Todo])]))
        assert messages[0].msg == (
            "tests.todos.entities.Todo.toggle and tests.todos.entities.Todo.toggle are both POST "
            "'todo/<path:id>/toggle'; only tests.todos.entities.Todo.toggle is served."
        )

    def test_route_checked_once_across_dispatchers(self):
        dispatchers = [DjangoDispatcher(entities=[Todo]), DjangoDispatcher(entities=[Todo])]
        assert list(_check_parameters(dispatchers)) == []

    def test_parameter_pydantic_cannot_validate(self):
        route = Route(Todo, takes_opaque, ActionMetadata(function_name="opaque"), "static")
        [message] = _check_parameters([OneRoute(route)])
        assert (message.id, message.msg) == (
            "nitro_dispatch.E002",
            "tests.todos.entities.Todo.opaque has a parameter pydantic cannot validate (Unable "
            f"to generate pydantic-core schema for <class '{__name__}.Opaque'>).",
        )

    def test_entity_without_table(self):
        def make() -> Any:
            class Loose(Entity):
                title: str

            return Loose

        loose = make()
        try:
            names = [message.obj.__name__ for message in _check_tables()]
        finally:
            # Entity classes are process-wide: let this one go before other tests look.
            del loose
            gc.collect()
        assert (names, "Loose" in [klass.__name__ for klass in entity_classes()]) == (
            ["Loose"],
            False,
        )

    @override_settings(ROOT_URLCONF="tests.no_such_urlconf")
    def test_broken_urlconf_checks_every_entity(self):
        assert [message.id for message in check_entities()] == [
            *["nitro_dispatch.W002"] * 3,
            "nitro_dispatch.W008",
        ]


class SqliteTransactionCheckTests(SimpleTestCase):
    def check(self, engine: str, options: dict[str, Any]) -> list[Any]:
        database = {**settings.DATABASES["default"], "ENGINE": engine, "OPTIONS": options}
        with mock.patch.dict(settings.DATABASES, {"default": database}):
            return list(_check_sqlite_transactions())

    def test_deferred_transactions_are_reported(self):
        assert self.check("django.db.backends.sqlite3", {}) == [
            Warning(
                "DATABASES['default'] is SQLite with deferred transactions: one that reads, then "
                "writes fails at once with 'database is locked' while another is writing. Entity "
                "actions take the write lock first; the admin's saves and your own atomic() "
                "blocks do not.",
                hint='Set DATABASES[\'default\']["OPTIONS"]["transaction_mode"] = "IMMEDIATE": '
                "writers then wait for each other (up to the timeout option, 5 seconds by "
                "default).",
                id="nitro_dispatch.W003",
            )
        ]

    def test_explicitly_deferred_is_reported(self):
        assert len(self.check("django.db.backends.sqlite3", {"transaction_mode": "deferred"})) == 1

    def test_immediate_transactions_pass(self):
        assert self.check("django.db.backends.sqlite3", {"transaction_mode": "IMMEDIATE"}) == []

    def test_exclusive_transactions_pass(self):
        assert self.check("django.db.backends.sqlite3", {"transaction_mode": "EXCLUSIVE"}) == []

    def test_postgresql_is_not_concerned(self):
        assert self.check("django.db.backends.postgresql", {}) == []


class HiddenNameCheckTests(SimpleTestCase):
    """W008 for each kind of name a field can hide (class methods: see test_checks)."""

    def hidden(self, **annotations: Any) -> list[tuple[str, str]]:
        def make() -> Any:
            # Not a table: Entity classes are process-wide, and this one goes after the test.
            return type("Shadow", (Entity,), {"__module__": "shop", "__annotations__": annotations})

        shadow = make()
        try:
            return [(message.msg, str(message.hint)) for message in _check_hidden([shadow])]
        finally:
            del shadow
            gc.collect()

    def test_method(self):
        assert self.hidden(save="int") == [
            (
                "The field 'save' of shop.Shadow hides Entity.save(): on a Shadow, .save is the "
                "field, so .save() fails. Entity's other methods still work on Shadow: none of "
                "them uses save.",
                "Rename the field to call .save() on a Shadow; its column can keep its name: "
                "Field(..., sa_column_kwargs={'name': 'save'}).",
            )
        ]

    def test_property(self):
        [(message, hint)] = self.hidden(signals="int")
        assert (message.split(": ", 1)[1], hint.split(";")[0]) == (
            "on a Shadow, .signals is the field. Entity's other methods still work on Shadow: "
            "none of them uses signals.",
            "Rename the field to read .signals of a Shadow",
        )

    def test_option(self):
        [(message, hint)] = self.hidden(admin="bool")
        assert (message.split(": ", 1)[1], hint.split(";")[0]) == (
            "Shadow.admin is the field, so the option keeps its default for Shadow. Entity's "
            "other methods still work on Shadow: none of them uses admin.",
            "Rename the field to set the option Shadow.admin",
        )

    def test_relationship(self):
        def make() -> Any:
            class Shelf(Entity):
                first: list[Todo] = Relationship()  # type: ignore[assignment]

            return Shelf

        shelf = make()
        try:
            # Strings only: a message holds its entity.
            [(message, hint)] = [(found.msg, found.hint) for found in _check_hidden([shelf])]
        finally:
            del shelf
            gc.collect()
        assert (message.split(" hides")[0], hint) == (
            f"The relationship 'first' of {__name__}.HiddenNameCheckTests.test_relationship."
            "<locals>.make.<locals>.Shelf",
            "Rename the relationship to call Shelf.first().",
        )
