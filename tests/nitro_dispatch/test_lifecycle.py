"""Entity lifecycle events: <table>.created, .saved and .deleted, sent once the change has
committed, and never for a change rolled back."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.db import transaction
from django.test import Client, TestCase, TransactionTestCase
from django.urls import reverse
from sqlalchemy import create_engine, insert, update
from sqlalchemy import event as sa_event
from sqlmodel import Session, col

from nitro_dispatch._lifecycle import stored
from nitro_dispatch.db import get_engine, session
from nitro_dispatch.entity import Entity
from nitro_dispatch.events import event
from tests.async_app.entities import Memo, Tally

DS = {"Datastar-Request": "true"}


class Listening:
    """Records what the lifecycle handlers of memo and tally hear."""

    heard: list[tuple[Any, ...]]

    def listen(self, *names: str) -> None:
        self.heard = []
        for name in names:
            kind = name.rpartition(".")[2]

            def handler(sender: Entity, kind: str = kind, **kwargs: Any) -> None:
                self.heard.append((kind, sender.id, _text(sender), kwargs))

            event(name).connect(handler)
            self.addCleanup(event(name).disconnect, handler)  # type: ignore[attr-defined]


def _text(sender: Entity) -> Any:
    return getattr(sender, "text", None) or getattr(sender, "total", None)


MEMO = ("memo.created", "memo.saved", "memo.deleted")


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL the entity engine runs meanwhile."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = get_engine()
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)


class UnitOfWorkTests(Listening, TestCase):
    def setUp(self) -> None:
        self.listen(*MEMO)

    def test_create_sends_created_then_saved_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            memo = Memo.create(text="a")
            before = list(self.heard)
        assert (before, self.heard) == (
            [],
            [("created", memo.id, "a", {}), ("saved", memo.id, "a", {"created": True})],
        )

    def test_rolled_back_change_sends_nothing(self):
        with (
            self.captureOnCommitCallbacks(execute=True),
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            Memo.create(text="a")
            raise RuntimeError("rolled back")
        assert self.heard == []

    def test_savepoint_rolled_back_keeps_the_rest(self):
        with self.captureOnCommitCallbacks(execute=True):
            kept = Memo.create(text="kept")
            with pytest.raises(RuntimeError), transaction.atomic():
                Memo.create(text="lost")
                raise RuntimeError("rolled back")
        assert [text for _, _, text, _ in self.heard] == ["kept", "kept"]
        assert kept.id is not None

    def test_update_sends_saved(self):
        memo = Memo.create(text="a")
        memo.text = "b"
        with self.captureOnCommitCallbacks(execute=True):
            memo.save()
        assert self.heard == [("saved", memo.id, "b", {"created": False})]

    def test_a_saved_handler_reads_the_entity_as_it_was_stored(self):
        seen: list[Any] = []

        def handler(sender: Memo, **kwargs: Any) -> None:
            before = stored(sender)
            seen.append((before.text, before.id == sender.id, sender.text))

        event("memo.saved").connect(handler)
        self.addCleanup(event("memo.saved").disconnect, handler)
        memo = Memo.create(text="a")
        memo.text = "b"
        with self.captureOnCommitCallbacks(execute=True):
            memo.save()
        assert (seen, stored(memo)) == ([("a", True, "b")], None)

    def test_save_without_a_change_sends_nothing(self):
        memo = Memo.create(text="a")
        with self.captureOnCommitCallbacks(execute=True):
            Memo.get(memo.id).save()  # type: ignore[union-attr]
        assert self.heard == []

    def test_flush_of_an_unchanged_entity_sends_nothing(self):
        memo = Memo.create(text="a")
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            loaded = s.get(Memo, memo.id)
            loaded.text = "a"  # type: ignore[union-attr]  # dirty, but the same value
            s.flush()
        assert self.heard == []

    def test_session_delete_sends_deleted(self):
        memo = Memo.create(text="a")
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            s.delete(s.get(Memo, memo.id))
            s.commit()
        assert self.heard == [("deleted", memo.id, "a", {})]

    def test_handler_failure_is_logged_and_the_others_run(self):
        def failing(sender: Memo, **kwargs: Any) -> None:
            raise ValueError("handler failed")

        event("memo.created").connect(failing, priority=1)
        self.addCleanup(event("memo.created").disconnect, failing)
        with (
            self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            memo = Memo.create(text="a")
        assert (logs.records[0].getMessage(), [kind for kind, *_ in self.heard]) == (
            f"Handler {failing!r} of event 'memo.created' failed",
            ["created", "saved"],
        )
        assert memo.id is not None

    def test_async_handler_runs_once_committed(self):
        heard: list[Any] = []

        async def handler(sender: Memo, **kwargs: Any) -> None:
            await asyncio.sleep(0)
            heard.append(sender.text)

        event("memo.created").connect(handler)
        self.addCleanup(event("memo.created").disconnect, handler)
        with self.captureOnCommitCallbacks(execute=True):
            Memo.create(text="a")
        assert heard == ["a"]

    def test_other_engine_sends_nothing(self):
        # Its transaction is not Django's: nothing says when it commits.
        engine = create_engine("sqlite://")
        self.addCleanup(engine.dispose)
        Entity.metadata.create_all(engine, tables=[Memo.__table__])  # type: ignore[attr-defined]
        with self.captureOnCommitCallbacks(execute=True), Session(engine) as s:
            s.add(Memo(text="elsewhere"))
            s.commit()
        assert self.heard == []


class StatementTests(Listening, TestCase):
    def setUp(self) -> None:
        self.listen(*MEMO)
        self.memos = [Memo.create(text=text) for text in ("a", "b", "a")]

    def test_delete_sends_deleted_with_the_row_as_it_was(self):
        memo = self.memos[0]
        memo.text = "changed, not saved"
        with self.captureOnCommitCallbacks(execute=True):
            deleted = memo.delete()
        assert (deleted, self.heard) == (True, [("deleted", memo.id, "a", {})])

    def test_delete_of_a_missing_row_sends_nothing(self):
        memo = self.memos[0]
        memo.delete()
        with self.captureOnCommitCallbacks(execute=True):
            deleted = memo.delete()
        assert (deleted, self.heard) == (False, [])

    def test_delete_where_sends_one_deleted_per_row(self):
        first, _, third = self.memos
        with self.captureOnCommitCallbacks(execute=True):
            count = Memo.delete_where(Memo.text == "a")
        assert (count, sorted(self.heard)) == (
            2,
            [("deleted", first.id, "a", {}), ("deleted", third.id, "a", {})],
        )

    def test_update_statement_sends_saved_per_row_with_its_new_values(self):
        first, _, third = self.memos
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            result = s.execute(update(Memo).where(col(Memo.text) == "a").values(text="c"))
        assert (result.rowcount, sorted(self.heard)) == (  # type: ignore[attr-defined]
            2,
            [("saved", first.id, "c", {"created": False}), ("saved", third.id, "c",
             {"created": False})],
        )  # fmt: skip

    def test_an_update_statement_does_not_know_the_rows_as_they_were(self):
        seen: list[Any] = []

        def handler(sender: Memo, **kwargs: Any) -> None:
            seen.append(stored(sender))

        event("memo.saved").connect(handler)
        self.addCleanup(event("memo.saved").disconnect, handler)
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            s.execute(update(Memo).where(col(Memo.text) == "b").values(text="c"))
        assert seen == [None]

    def test_statement_with_its_own_returning_is_left_alone(self):
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            result = s.execute(
                update(Memo).where(col(Memo.text) == "b").values(text="c").returning(col(Memo.text))
            )
            returned = result.scalars().all()
        assert (returned, self.heard) == (["c"], [])

    def test_update_with_a_list_of_parameters_sends_nothing(self):
        first, second, _ = self.memos
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            s.execute(update(Memo), [{"id": first.id, "text": "x"}, {"id": second.id, "text": "y"}])
        assert (Memo.get(first.id).text, self.heard) == ("x", [])  # type: ignore[union-attr]

    def test_statement_on_the_table_sends_nothing(self):
        table = Memo.__table__  # type: ignore[attr-defined]
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            s.execute(update(table).where(table.c.text == "a").values(text="c"))
        assert (Memo.count(text="c"), self.heard) == (2, [])

    def test_insert_statement_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True), session() as s:
            s.execute(insert(Memo).values(text="d"))
        assert (Memo.count(text="d"), self.heard) == (1, [])


class UnheardStatementTests(TestCase):
    def test_statement_runs_unchanged_without_a_handler(self):
        Memo.create(text="a")
        with statements() as seen:
            count = Memo.delete_where(Memo.text == "a")
        assert (count, [sql for sql in seen if "RETURNING" in sql]) == (1, [])

    def test_select_is_left_alone(self):
        Memo.create(text="a")
        with statements() as seen:
            Memo.all()
        assert [sql for sql in seen if "RETURNING" in sql] == []


class ActionTests(Listening, TestCase):
    def setUp(self) -> None:
        self.listen(*MEMO, "tally.saved")

    def test_sync_action_sends_once_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(reverse("nitro:memo-write"), {"text": "a"})
        id = response.json()["id"]
        assert self.heard == [("created", id, "a", {}), ("saved", id, "a", {"created": True})]

    def test_failed_sync_action_sends_nothing(self):
        with self.captureOnCommitCallbacks(execute=True):
            Client(raise_request_exception=False).post(
                reverse("nitro:memo-write_then_fail"), {"text": "a"}
            )
        assert self.heard == []

    def test_async_action_writing_from_its_loop_sends_once_committed(self):
        tally = Tally.create(label="a")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("nitro:tally-bump", kwargs={"id": tally.id}))
            before = list(self.heard)
        assert (before, self.heard) == ([], [("saved", tally.id, 1, {"created": False})])

    def test_failed_async_action_sends_nothing(self):
        tally = Tally.create(label="a")
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("nitro:tally-bump_then_fail", kwargs={"id": tally.id}),
                             headers=DS)  # fmt: skip
        assert self.heard == []

    def test_async_action_update_statement_sends_saved(self):
        tally = Tally.create(label="a", total=2)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(reverse("nitro:tally-increment", kwargs={"id": tally.id}))
        assert self.heard == [("saved", tally.id, 3, {"created": False})]


class AutocommitTests(Listening, TransactionTestCase):
    def test_change_outside_a_transaction_sends_at_once(self):
        self.listen("memo.created")
        memo = Memo.create(text="a")
        assert self.heard == [("created", memo.id, "a", {})]

    async def test_async_action_under_asgi_sends_once_committed(self):
        tally = await sync_to_async(Tally.create)(label="a")
        self.listen("tally.saved")
        await self.async_client.post(reverse("nitro:tally-bump", kwargs={"id": tally.id}))
        assert self.heard == [("saved", tally.id, 1, {"created": False})]
