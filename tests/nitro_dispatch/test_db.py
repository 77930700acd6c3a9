"""The engine on Django's connection: pool behaviour, dialects, types."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, connections
from django.test import TestCase

from nitro_dispatch.apps import create_tables
from nitro_dispatch.db import _build_engine, get_engine, session
from tests.todos.entities import Event, Todo


class EngineTests(TestCase):
    def test_dispose_leaves_djangos_connection_usable(self):
        Todo.create(title="a")
        get_engine().dispose()
        assert (connection.is_usable(), Todo.count()) == (True, 1)

    def test_pool_status_names_the_alias(self):
        assert get_engine().pool.status() == "DjangoConnectionPool of DATABASES['default']"

    def test_session_for_an_alias(self):
        with session("default") as s:
            assert s.get_bind() is get_engine("default")

    def test_unsupported_database_is_refused(self):
        with (
            mock.patch.object(connections["default"], "vendor", "oracle"),
            pytest.raises(ImproperlyConfigured) as excinfo,
        ):
            _build_engine("default")
        assert str(excinfo.value).startswith(
            "nitro_dispatch runs on SQLite and PostgreSQL; DATABASES['default'] uses 'oracle' ("
        )

    def test_create_tables_only_for_the_entity_database(self):
        with mock.patch("nitro_dispatch.db.get_engine") as engine:
            create_tables(using="other")
        engine.assert_not_called()


class TypeTests(TestCase):
    def test_dates_times_and_aware_datetimes_round_trip(self):
        created = datetime.datetime(2026, 11, 24, 8, 30, 15, 123456, tzinfo=datetime.UTC)
        event = Event.create(
            name="launch", day=datetime.date(2026, 12, 1), at=datetime.time(9, 15), created=created
        )
        loaded = Event.get(event.id)
        assert loaded is not None
        assert (loaded.day, loaded.at, loaded.created) == (
            datetime.date(2026, 12, 1),
            datetime.time(9, 15),
            created,
        )

    def test_missing_optional_values_round_trip(self):
        event = Event.create(name="later")
        assert (Event.get(event.id).day, Event.get(event.id).at) == (None, None)  # type: ignore[union-attr]
