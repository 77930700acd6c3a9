"""SQLAlchemy on Django's own database connections.

Entities do not open connections of their own: a SQLAlchemy engine per database alias borrows
Django's connection for the current thread (``connections[alias]``) at every checkout. So
SQLModel and the Django ORM share one connection and one transaction: ``transaction.atomic()``
commits or rolls back both, Django's ``TestCase`` isolates entity rows, and the engine follows the
test database. The engine never commits, rolls back or closes that connection; Django does.

An async action's coroutine runs on an event loop of its own (see _async.py); there, the entity
API runs on the connection of the thread holding the action's transaction. Elsewhere, from a
thread running an event loop, Django refuses synchronous database calls, and so do entities.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from functools import cache
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.dialects import sqlite
from sqlalchemy.pool import ConnectionPoolEntry, Pool
from sqlalchemy.pool.base import _ConnectionRecord
from sqlalchemy.sql import sqltypes
from sqlmodel import Session

from ._async import bridged_connection

__all__ = ["action_transaction", "django_connection", "get_engine", "session"]

# Where a connection the engine hands out keeps the Django connection wrapper it belongs to.
_WRAPPER_INFO: Final = "nitro_dispatch.wrapper"

_DIALECTS: Final = {
    ("sqlite", "sqlite3"): "sqlite+pysqlite://",
    ("postgresql", "psycopg"): "postgresql+psycopg://",
    ("postgresql", "psycopg2"): "postgresql+psycopg2://",
}


class DjangoConnectionPool(Pool):
    """A pool whose only connection is Django's connection for *alias* in this thread."""

    def __init__(self, alias: str, **kwargs: Any) -> None:
        self.alias = alias
        super().__init__(self._django_connection, reset_on_return=None, **kwargs)

    def _django_connection(self) -> Any:
        return _django_wrapper(self.alias).connection

    def _do_get(self) -> ConnectionPoolEntry:
        wrapper = _django_wrapper(self.alias)
        # One record per physical connection and pool, kept on Django's (thread-local) wrapper:
        # the dialect's connect hooks then run once per Django connection, not per session.
        records: dict[int, _ConnectionRecord] = wrapper.__dict__.setdefault(
            "_nitro_dispatch_records", {}
        )
        record = records.get(id(self))
        if record is None or record.dbapi_connection is not wrapper.connection:
            record = records[id(self)] = _ConnectionRecord(self)
        record.info[_WRAPPER_INFO] = wrapper
        return record

    def _do_return_conn(self, record: ConnectionPoolEntry) -> None:
        pass  # Django keeps the connection

    def dispose(self) -> None:
        pass  # Django closes its connections

    def recreate(self) -> DjangoConnectionPool:
        return DjangoConnectionPool(self.alias, dialect=self._dialect)

    def status(self) -> str:
        return f"DjangoConnectionPool of DATABASES[{self.alias!r}]"


_ASYNC_REFUSED: Final = (
    "The entity API is synchronous, and this thread runs an event loop. In async code, call "
    "it through asgiref's sync_to_async: `await sync_to_async(Todo.get)(id)`. An async "
    "@action may call it directly (not an async generator action: its stream runs after the "
    "action has returned)."
)


def _django_wrapper(alias: str) -> BaseDatabaseWrapper:
    """Django's connection *alias* for this call, connected: an async action's (see
    _async.py), or this thread's."""
    wrapper = bridged_connection(alias)
    if wrapper is not None:
        # Connected, as the action's transaction is open; ensure_connection() would refuse to
        # run on the action's event loop.
        return wrapper
    wrapper = connections[alias]
    try:
        wrapper.ensure_connection()
    except SynchronousOnlyOperation as exc:
        raise SynchronousOnlyOperation(_ASYNC_REFUSED) from exc
    return wrapper


def _leave_alone(*args: Any) -> None:
    """Stand-in for commit, rollback and close: Django owns the transaction."""


class _PassThrough:
    """Result processing that leaves values Django's sqlite converters already parsed."""

    def result_processor(self, dialect: Any, coltype: Any) -> Any:
        process = super().result_processor(dialect, coltype)  # type: ignore[misc]

        def passthrough(value: Any) -> Any:
            return process(value) if isinstance(value, str) else value

        return passthrough


class _Date(_PassThrough, sqlite.DATE):
    pass


class _DateTime(_PassThrough, sqlite.DATETIME):
    pass


class _Time(_PassThrough, sqlite.TIME):
    pass


def _build_engine(alias: str) -> Engine:
    wrapper = connections[alias]
    driver = wrapper.Database.__name__.partition(".")[0]  # type: ignore[attr-defined]
    url = _DIALECTS.get((wrapper.vendor, driver))
    if url is None:
        raise ImproperlyConfigured(
            f"nitro_dispatch runs on SQLite and PostgreSQL; DATABASES[{alias!r}] uses "
            f"{wrapper.vendor!r} ({driver}). Point NITRO_DISPATCH['DATABASE'] at a SQLite or "
            "PostgreSQL database."
        )
    engine = create_engine(url, pool=DjangoConnectionPool(alias))
    dialect: Any = engine.dialect
    # Every path that could end Django's transaction or close its connection goes through
    # these hooks (session commit/rollback/close, the dialect's first-connect rollback, reset,
    # invalidation). SAVEPOINTs are still emitted, so nested transactions work.
    for hook in ("do_commit", "do_rollback", "do_close", "do_terminate"):
        setattr(dialect, hook, _leave_alone)
    if wrapper.vendor == "sqlite":
        # Django registers sqlite3 converters for date, datetime and time columns, so values
        # may arrive parsed already.
        dialect.colspecs = {
            **dialect.colspecs,
            sqltypes.Date: _Date,
            sqltypes.DateTime: _DateTime,
            sqltypes.Time: _Time,
        }
    return engine


def django_connection(connection: Connection) -> BaseDatabaseWrapper | None:
    """The Django connection (``connections[alias]``) a SQLAlchemy *connection* of an entity
    engine runs on, or None for a connection of another engine.

    For ``transaction.on_commit()``-style work in SQLAlchemy events:
    ``django_connection(connection).on_commit(...)`` (an async action's writes included,
    whose thread is not the connection's).
    """
    wrapper = connection.info.get(_WRAPPER_INFO)
    return wrapper if isinstance(wrapper, BaseDatabaseWrapper) else None


def get_engine(alias: str = DEFAULT_DB_ALIAS) -> Engine:
    """Return the SQLAlchemy engine running on Django's connection *alias*."""
    return _engine(alias)


# Two threads racing here may each build one; both work, as engines hold no connections.
_engine = cache(_build_engine)


@contextmanager
def session(alias: str | None = None) -> Iterator[Session]:
    """A SQLModel session on Django's connection (``NITRO_DISPATCH["DATABASE"]`` by default).

    ``session.commit()`` flushes; the transaction is Django's (``transaction.atomic()``).
    """
    from .conf import get_settings

    with Session(get_engine(alias or get_settings().DATABASE), expire_on_commit=False) as s:
        yield s


@contextmanager
def action_transaction(using: str, *, write: bool) -> Iterator[None]:
    """``transaction.atomic(using)`` for an action; for a *write*, SQLite's lock comes first.

    SQLite's default (deferred) transaction takes the write lock at its first write: two that
    read first then both fail at once with "database is locked" instead of waiting. A writing
    action's transaction begins IMMEDIATE, taking the lock up front, so writers wait their turn
    (up to the ``timeout`` option, 5 seconds by default). Inside an enclosing transaction it is a
    savepoint, whose locks are the enclosing transaction's.
    """
    connection = connections[using]
    with ExitStack() as stack:
        if write and connection.vendor == "sqlite" and not connection.in_atomic_block:
            connection.ensure_connection()
            mode = connection.transaction_mode  # type: ignore[attr-defined]
            connection.transaction_mode = "IMMEDIATE"  # type: ignore[attr-defined]
            try:
                stack.enter_context(transaction.atomic(using=using))
            finally:
                connection.transaction_mode = mode  # type: ignore[attr-defined]
        else:
            stack.enter_context(transaction.atomic(using=using))
        yield
