"""The check helpers, in this process, on routes built for the occasion."""

from __future__ import annotations

import gc
from typing import Any
from unittest import mock

from django.conf import settings
from django.core.checks import Warning
from django.test import SimpleTestCase, override_settings

from nitro_dispatch import DjangoDispatcher, Entity
from nitro_dispatch.actions import ActionMetadata
from nitro_dispatch.checks import (
    _check_conflicts,
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
        assert (names, [klass.__name__ for klass in entity_classes()]) == (
            ["Loose"],
            [
                *("Todo", "Timestamped", "Event", "Counter", "Typed", "Hidden", "Note"),
                *("Customized", "Shout", "Limited", "Stamped", "Project", "Task"),
            ],
        )

    @override_settings(ROOT_URLCONF="tests.no_such_urlconf")
    def test_broken_urlconf_checks_every_entity(self):
        assert [message.id for message in check_entities()] == ["nitro_dispatch.W002"] * 3


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
