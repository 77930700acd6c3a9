"""The check helpers, in this process, on routes built for the occasion."""

from __future__ import annotations

import gc
from typing import Any

from django.test import SimpleTestCase, override_settings

from nitro_dispatch import DjangoDispatcher, Entity
from nitro_dispatch.actions import ActionMetadata
from nitro_dispatch.checks import _check_conflicts, _check_parameters, _check_tables, check_entities
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
            "'todo/<str:id>/toggle'; only tests.todos.entities.Todo.toggle is served."
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
            ["Todo", "Timestamped", "Event", "Counter", "Typed", "Hidden", "Note", "Customized"],
        )

    @override_settings(ROOT_URLCONF="tests.no_such_urlconf")
    def test_broken_urlconf_checks_every_entity(self):
        assert [message.id for message in check_entities()] == ["nitro_dispatch.W002"] * 3
