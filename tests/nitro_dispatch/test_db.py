"""The engine on Django's connection: pool behaviour, dialects, types."""

from __future__ import annotations

import datetime
import sqlite3
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.db import OperationalError, connection, connections, transaction
from django.test import TestCase, TransactionTestCase
from sqlalchemy import create_engine

from nitro_dispatch.apps import create_tables
from nitro_dispatch.db import (
    _build_engine,
    action_transaction,
    django_connection,
    get_engine,
    session,
)
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


class DjangoConnectionTests(TestCase):
    def test_connection_of_the_engine_gives_djangos(self):
        with get_engine().connect() as sa_connection:
            assert django_connection(sa_connection) is connections["default"]

    def test_connection_of_another_engine_gives_none(self):
        engine = create_engine("sqlite://")
        self.addCleanup(engine.dispose)
        with engine.connect() as sa_connection:
            assert django_connection(sa_connection) is None


class AsyncRefusalTests(TestCase):
    async def test_refusal_from_async_code_comes_from_djangos(self):
        with pytest.raises(SynchronousOnlyOperation) as excinfo:
            Todo.count()
        cause = excinfo.value.__cause__
        assert (type(cause), str(cause)) == (
            SynchronousOnlyOperation,
            "You cannot call this from an async context - use a thread or sync_to_async.",
        )


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


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's write lock")
class ActionTransactionTests(TransactionTestCase):
    """A writing action takes SQLite's write lock when its transaction begins, even where the
    database is configured for deferred transactions, so writers wait instead of failing."""

    def setUp(self):
        connection.ensure_connection()
        self.configured = connection.transaction_mode  # type: ignore[attr-defined]
        connection.transaction_mode = None  # type: ignore[attr-defined]  # Django's default

    def tearDown(self):
        connection.transaction_mode = self.configured  # type: ignore[attr-defined]

    def another_writer_can_begin(self) -> bool:
        # Waiting a little: a thread an earlier test left behind (a stream's generator closing)
        # may hold the lock for a moment.
        other = sqlite3.connect(connection.settings_dict["NAME"], timeout=1)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert str(exc) == "database is locked"
            return False
        finally:
            other.close()
        return True

    def test_a_write_holds_the_lock_from_its_start(self):
        with action_transaction("default", write=True):
            held = not self.another_writer_can_begin()
        assert (held, connection.transaction_mode) == (True, None)  # type: ignore[attr-defined]

    def test_a_read_leaves_the_lock_alone(self):
        with action_transaction("default", write=False):
            assert self.another_writer_can_begin()

    def test_inside_a_transaction_it_is_a_savepoint(self):
        with transaction.atomic(), action_transaction("default", write=True):
            assert (connection.savepoint_ids != [], self.another_writer_can_begin()) == (
                True,
                True,
            )

    def test_mode_is_restored_when_the_lock_cannot_be_had(self):
        other = sqlite3.connect(connection.settings_dict["NAME"])
        other.execute("BEGIN IMMEDIATE")
        connection.close()
        connection.settings_dict["OPTIONS"]["timeout"] = 0.01
        try:
            connection.ensure_connection()
            connection.transaction_mode = None  # type: ignore[attr-defined]
            with pytest.raises(OperationalError):
                action_transaction("default", write=True).__enter__()
            mode = connection.transaction_mode  # type: ignore[attr-defined]
        finally:
            other.rollback()
            other.close()
            del connection.settings_dict["OPTIONS"]["timeout"]
            connection.close()
        assert mode is None
