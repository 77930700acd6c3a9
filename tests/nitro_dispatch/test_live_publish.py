"""live.publish(), entities' broadcasts (the admin's changes too), guards, and live.stream()'s
checks: what reaches the broker, and when (once the change has committed)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any
from unittest import mock

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.db.models.signals import post_save
from django.test import (
    Client,
    RequestFactory,
    SimpleTestCase,
    TestCase,
    TransactionTestCase,
    override_settings,
)
from django.urls import reverse
from django.utils import translation
from sqlalchemy import update
from sqlmodel import col

from nitro_dispatch import live
from nitro_dispatch._async import call_async_action
from nitro_dispatch.db import session
from nitro_dispatch.events import event
from nitro_dispatch.live import _guards, _hub
from nitro_dispatch.live._broadcasts import _parts, connect_broadcasts, topics_of
from nitro_dispatch.live._feed import Feed, takes_request
from nitro_dispatch.live._guards import check_allowed, clear_guards
from nitro_dispatch.live._topics import Message
from nitro_dispatch.live.brokers import get_broker
from nitro_dispatch.params import BadRequest
from nitro_dispatch.responses import current_request
from tests.async_app.entities import Tally
from tests.live_app.entities import Card, own_cards
from tests.todos.entities import Priority, Typed

CardMirror = apps.get_model("nitro_dispatch", "Card")
TypedMirror = apps.get_model("nitro_dispatch", "Typed")

CARD_EVENTS = ("card.created", "card.saved", "card.deleted")


def log(topic: str) -> list[Message] | None:
    """What the broker holds for *topic*."""
    return asyncio.run(get_broker().since(topic, 0))


def heads(*topics: str) -> dict[str, int]:
    return asyncio.run(get_broker().heads(topics))[1]


def change(card_id: Any, kind: str, topic: str = "cards", position: int = 1) -> Message:
    return Message(topic, position, {"entity": "card", "id": card_id, "change": kind})


def user_request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    return request


def someone(pk: int) -> User:
    """A user with *pk*, unsaved: the guards read only its pk."""
    return User(pk=pk, username=f"user{pk}")


def render() -> str:
    return ""


class Fresh(TransactionTestCase):
    """Each test with a broker of its own; changes really commit (on_commit runs)."""

    def setUp(self) -> None:
        _hub.reset_hub()
        self.addCleanup(_hub.reset_hub)


class PublishTests(Fresh):
    def test_outside_a_transaction_it_is_sent_at_once(self):
        live.publish("news", {"headline": "a"})
        assert log("news") == [Message("news", 1, {"headline": "a"})]

    def test_inside_a_transaction_it_is_sent_once_committed(self):
        with transaction.atomic():
            live.publish("news", {"headline": "a"})
            before = heads("news")
        assert (before, log("news")) == ({"news": 0}, [Message("news", 1, {"headline": "a"})])

    def test_a_rollback_sends_nothing(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            live.publish("news", {"headline": "a"})
            raise RuntimeError("rolled back")
        assert log("news") == []

    def test_a_rolled_back_savepoint_drops_its_own_and_keeps_the_rest(self):
        with transaction.atomic():
            live.publish("news", {"headline": "kept"})
            with pytest.raises(RuntimeError), transaction.atomic():
                live.publish("news", {"headline": "lost"})
                raise RuntimeError("rolled back")
        assert log("news") == [Message("news", 1, {"headline": "kept"})]

    def test_messages_of_a_topic_are_numbered_in_order(self):
        for headline in ("a", "b", "c"):
            live.publish("news", {"headline": headline})
        assert [(m.position, m.data["headline"]) for m in log("news")] == [  # type: ignore[union-attr]
            (1, "a"),
            (2, "b"),
            (3, "c"),
        ]

    def test_without_data_an_empty_dict_is_sent(self):
        live.publish("news")
        assert log("news") == [Message("news", 1, {})]

    def test_any_mapping_is_sent_as_a_dict(self):
        live.publish("news", MappingProxyType({"headline": "a"}))
        (message,) = log("news")  # type: ignore[misc]
        assert (type(message.data), message.data) == (dict, {"headline": "a"})

    def test_data_changed_after_publishing_is_sent_as_it_was_published(self):
        data = {"headline": "a"}
        with transaction.atomic():
            live.publish("news", data)
            data["headline"] = "changed"
        assert log("news") == [Message("news", 1, {"headline": "a"})]

    def test_a_topic_that_is_no_topic_name(self):
        with pytest.raises(ValueError) as excinfo:
            live.publish("two words", {})
        assert str(excinfo.value) == (
            "A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not 'two words': "
            'build it from ids (f"todos.{owner.id}"), not from free text.'
        )

    def test_a_topic_that_is_no_string(self):
        with pytest.raises(TypeError) as excinfo:
            live.publish(5, {})  # type: ignore[arg-type]
        assert str(excinfo.value) == "A live topic is a string, not 5."

    def test_data_that_is_no_dict(self):
        with pytest.raises(TypeError) as excinfo:
            live.publish("news", [1, 2])  # type: ignore[arg-type]
        assert str(excinfo.value) == "publish() sends a dict of data, not [1, 2]."

    def test_a_refused_publish_queues_nothing(self):
        with transaction.atomic():
            with pytest.raises(TypeError):
                live.publish("news", "text")  # type: ignore[arg-type]
            live.publish("other", {})
        assert (log("news"), heads("other")) == ([], {"other": 1})

    def test_a_successful_publish_is_logged_for_debugging(self):
        with self.assertLogs("nitro_dispatch.live", logging.DEBUG) as logs:
            live.publish("news", {})
        assert [record.getMessage() for record in logs.records] == [
            "Live updates: published 'news' #1"
        ]

    def test_a_broker_failure_is_logged_and_not_raised(self):
        broker = get_broker()
        with (
            mock.patch.object(broker, "publish", side_effect=ConnectionError("broker down")),
            self.assertLogs("nitro_dispatch.live", logging.ERROR) as logs,
        ):
            live.publish("news", {"headline": "a"})
        (record,) = logs.records
        assert (record.getMessage(), repr(record.exc_info[1]) if record.exc_info else None) == (
            "Live updates: publishing to 'news' failed",
            "ConnectionError('broker down')",
        )

    def test_a_broker_failure_leaves_the_transaction_committed(self):
        with (
            mock.patch.object(get_broker(), "publish", side_effect=ConnectionError("down")),
            self.assertLogs("nitro_dispatch.live", logging.ERROR),
            transaction.atomic(),
        ):
            card = Card.create(title="kept")
            live.publish("news", {})
        assert Card.exists(card.id)

    def test_publishing_starts_no_hub(self):
        # A process that only publishes (a management command, a worker without streams) holds
        # no listener.
        live.publish("news", {})
        assert (_hub._hub, asyncio.run(get_broker().heads(["news"]))[1]) == (None, {"news": 1})

    @override_settings(NITRO_DISPATCH={"DATABASE": "elsewhere"})
    def test_using_names_the_database_whose_transaction_counts(self):
        # DATABASE names no alias: only using= lets it find the transaction.
        with transaction.atomic(using="default"):
            live.publish("news", {}, using="default")
            before = heads("news")
        assert (before, heads("news")) == ({"news": 0}, {"news": 1})

    async def test_apublish_from_async_code(self):
        await live.apublish("news", {"headline": "a"})
        assert await get_broker().since("news", 0) == [Message("news", 1, {"headline": "a"})]

    async def test_apublish_checks_the_topic(self):
        with pytest.raises(ValueError):
            await live.apublish("two words")
        assert (await get_broker().heads(["two words"]))[1] == {"two words": 0}

    def test_an_async_actions_publish_is_sent_once_committed(self):
        # As the view runs an async action: its coroutine on a loop of its own, in another
        # thread, inside the action's transaction.
        seen: list[dict[str, int]] = []

        async def act() -> None:
            live.publish("news", {"headline": "a"})
            await asyncio.sleep(0)

        with transaction.atomic():
            call_async_action(act)
            seen.append(heads("news"))
        assert (seen, log("news")) == ([{"news": 0}], [Message("news", 1, {"headline": "a"})])

    def test_an_async_action_that_fails_sends_nothing(self):
        async def act() -> None:
            live.publish("news", {"headline": "a"})
            raise RuntimeError("the action failed")

        with pytest.raises(RuntimeError), transaction.atomic():
            call_async_action(act)
        assert log("news") == []

    def test_an_actions_publish_is_sent(self):
        response = self.client.post(reverse("nitro:line-say"), {"text": "hi"})
        (message,) = log("chat")  # type: ignore[misc]
        assert (response.status_code, message.data["text"]) == (200, "hi")


class BroadcastTests(Fresh):
    def test_create_publishes_created_once_to_each_topic(self):
        card = Card.create(title="a", owner=2)
        assert (log("cards"), log("cards.owner.2")) == (
            [change(card.id, "created")],
            [change(card.id, "created", "cards.owner.2")],
        )

    def test_save_publishes_updated(self):
        card = Card.create(title="a", owner=2)
        card.title = "b"
        card.save()
        assert log("cards.owner.2") == [
            change(card.id, "created", "cards.owner.2"),
            change(card.id, "updated", "cards.owner.2", 2),
        ]

    def test_delete_publishes_deleted(self):
        card = Card.create(title="a", owner=2)
        card.delete()
        assert log("cards") == [change(card.id, "created"), change(card.id, "deleted", "cards", 2)]

    def test_a_save_that_changes_nothing_publishes_nothing(self):
        card = Card.create(title="a")
        Card.get(card.id).save()  # type: ignore[union-attr]
        assert heads("cards") == {"cards": 1}

    def test_nothing_is_published_before_the_commit(self):
        with transaction.atomic():
            Card.create(title="a")
            before = heads("cards")
        assert (before, heads("cards")) == ({"cards": 0}, {"cards": 1})

    def test_a_rolled_back_change_publishes_nothing(self):
        with pytest.raises(RuntimeError), transaction.atomic():
            Card.create(title="a")
            raise RuntimeError("rolled back")
        assert log("cards") == []

    def test_an_update_statement_publishes_updated_per_row(self):
        first, second = Card.create(title="a", owner=5), Card.create(title="b", owner=5)
        Card.create(title="c", owner=6)
        with session() as s:
            s.execute(update(Card).where(col(Card.owner) == 5).values(title="renamed"))
        assert sorted(m.data["id"] for m in log("cards.owner.5")[2:]) == sorted(  # type: ignore[index]
            [first.id, second.id]
        )

    def test_delete_where_publishes_deleted_per_row(self):
        first, second = Card.create(title="a", owner=5), Card.create(title="b", owner=5)
        Card.delete_where(Card.owner == 5)
        changes = [(m.data["change"], m.data["id"]) for m in log("cards.owner.5")[2:]]  # type: ignore[index]
        assert sorted(changes) == sorted([("deleted", first.id), ("deleted", second.id)])

    def test_a_save_that_moves_an_entity_publishes_to_the_topics_it_left_too(self):
        card = Card.create(title="a", owner=2)
        card.owner = 3
        card.save()
        assert (log("cards.owner.2"), log("cards.owner.3")) == (
            [change(card.id, "created", "cards.owner.2"),
             change(card.id, "updated", "cards.owner.2", 2)],
            [change(card.id, "updated", "cards.owner.3")],
        )  # fmt: skip

    def test_a_later_save_publishes_to_the_topics_it_has_then(self):
        card = Card.create(title="a", owner=2)
        card.owner = 3
        card.save()
        card.title = "b"
        card.save()
        assert heads("cards.owner.2", "cards.owner.3") == {"cards.owner.2": 2, "cards.owner.3": 2}


@contextmanager
def connected(entity: Any) -> Iterator[dict[str, list[Callable[..., Any]]]]:
    """connect_broadcasts([entity]) for an *entity* of Card's table, whose handlers then stand
    in for Card's (one entity per table); yields them. Card's are connected again after."""
    anyone = object()
    try:
        connect_broadcasts([entity])
        yield {name: list(event(name).receivers_for(anyone)) for name in CARD_EVENTS}
    finally:
        connect_broadcasts([Card])


def broadcasting(declared: Any) -> Any:
    """Card's changes published as *declared* says, as if its entity declared it."""
    extra = {"broadcasts": declared, "__table__": Card.__table__, "__mapper__": Card.__mapper__}  # type: ignore[attr-defined]
    return connected(type("Extra", (), extra))


class DeclaredBroadcastTests(Fresh):
    def test_a_function_returning_a_list_of_topics(self):
        with broadcasting(lambda card: [f"board.{card.owner}", "board"]):
            card = Card.create(title="a", owner=4)
        assert (log("board.4"), log("board")) == (
            [change(card.id, "created", "board.4")],
            [change(card.id, "created", "board")],
        )

    def test_a_topic_and_a_function_returning_it_publish_once(self):
        with broadcasting(["board", lambda card: "board"]):
            Card.create(title="a")
        assert heads("board") == {"board": 1}

    def test_a_single_topic(self):
        with broadcasting("board"):
            card = Card.create(title="a")
        assert log("board") == [change(card.id, "created", "board")]

    def test_the_handlers_follow_the_three_changes(self):
        with broadcasting("board") as connected:
            pass
        assert [len(connected[name]) for name in CARD_EVENTS] == [1, 1, 1]

    def test_a_function_returning_an_invalid_topic_is_logged_when_a_change_commits(self):
        with (
            broadcasting(lambda card: "not a topic") as connected,
            self.assertLogs("nitro_dispatch.events", logging.ERROR) as logs,
        ):
            card = Card.create(title="a")
        (record,) = logs.records
        (handler,) = connected["card.created"]
        error = record.exc_info[1] if record.exc_info else None
        assert (record.getMessage(), type(error), log("cards"), Card.exists(card.id)) == (
            f"Handler {handler!r} of event 'card.created' failed",
            ValueError,
            [],
            True,  # the change is saved whatever a handler does
        )

    def test_an_inherited_declaration_counts(self):
        parent = type("Parent", (), {"broadcasts": "board"})
        mapped = {"__table__": Card.__table__, "__mapper__": Card.__mapper__}  # type: ignore[attr-defined]
        child = type("Child", (parent,), mapped)
        with connected(child):
            card = Card.create(title="a")
        assert log("board") == [change(card.id, "created", "board")]

    def test_connecting_an_entitys_broadcasts_again_publishes_once(self):
        with connected(Card):
            card = Card.create(title="a")
        assert log("cards") == [change(card.id, "created")]

    def test_an_entity_declaring_nothing_connects_nothing(self):
        anyone = object()
        names = ("tally.created", "tally.saved", "tally.deleted")
        before = [list(event(name).receivers_for(anyone)) for name in names]
        connect_broadcasts([Tally])
        assert [list(event(name).receivers_for(anyone)) for name in names] == before


class Fake:
    """Stands in for an entity class: the declaration checks read only its name."""


class DeclarationTests(SimpleTestCase):
    def refused(self, declared: Any) -> str:
        with pytest.raises(ImproperlyConfigured) as excinfo:
            _parts(Fake, declared)  # type: ignore[arg-type]
        return str(excinfo.value)

    def test_a_topic(self):
        assert _parts(Fake, "cards") == ["cards"]  # type: ignore[arg-type]

    def test_a_function(self):
        assert _parts(Fake, render) == [render]  # type: ignore[arg-type, comparison-overlap]

    def test_a_list_of_topics_and_functions(self):
        assert _parts(Fake, ("cards", render)) == ["cards", render]  # type: ignore[arg-type]

    def test_an_invalid_topic(self):
        assert self.refused("my cards") == (
            "Fake.broadcasts: A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', "
            "not 'my cards': build it from ids (f\"todos.{owner.id}\"), not from free text."
        )

    def test_an_invalid_topic_in_a_list(self):
        assert self.refused(["cards", ""]) == (
            "Fake.broadcasts: A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', "
            "not '': build it from ids (f\"todos.{owner.id}\"), not from free text."
        )

    def test_something_that_is_neither(self):
        assert self.refused(5) == (
            'Fake.broadcasts holds 5: give a topic ("todos"), a function of the entity '
            "returning topics, or a list of those."
        )

    def test_a_list_holding_something_that_is_neither(self):
        assert self.refused(["cards", None]) == (
            'Fake.broadcasts holds None: give a topic ("todos"), a function of the entity '
            "returning topics, or a list of those."
        )

    def test_connect_broadcasts_refuses_an_invalid_declaration(self):
        bad = type("Bad", (), {"broadcasts": "my cards", "__table__": Card.__table__})  # type: ignore[attr-defined]
        with pytest.raises(ImproperlyConfigured) as excinfo, connected(bad):
            pass
        assert str(excinfo.value) == (
            "Bad.broadcasts: A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', "
            "not 'my cards': build it from ids (f\"todos.{owner.id}\"), not from free text."
        )


class TopicsOfTests(SimpleTestCase):
    card = Card(title="a", owner=7)

    def test_topics_and_functions_in_order(self):
        parts: list[Any] = ["cards", lambda card: f"cards.owner.{card.owner}"]
        assert topics_of(self.card, parts) == ["cards", "cards.owner.7"]

    def test_a_function_returning_several(self):
        assert topics_of(self.card, [lambda card: ("a", "b")]) == ["a", "b"]

    def test_duplicates_collapse(self):
        assert topics_of(self.card, ["a", lambda card: ["b", "a"]]) == ["a", "b"]

    def test_a_function_returning_an_invalid_topic(self):
        with pytest.raises(ValueError) as excinfo:
            topics_of(self.card, [lambda card: "not a topic"])
        assert str(excinfo.value) == (
            "A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not 'not a topic': "
            'build it from ids (f"todos.{owner.id}"), not from free text.'
        )

    def test_a_function_returning_no_topic_at_all_says_what_to_return(self):
        def nothing(card: Card) -> None:
            return None

        with pytest.raises(TypeError) as excinfo:
            topics_of(self.card, [nothing])
        assert str(excinfo.value) == (
            f"Card.broadcasts: {nothing!r} returned None; return a topic or a list of topics."
        )

    def test_a_function_returning_something_that_is_no_topic(self):
        with pytest.raises(TypeError) as excinfo:
            topics_of(self.card, [lambda card: [7]])
        assert str(excinfo.value) == "A live topic is a string, not 7."


class AdminTests(Fresh):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(User.objects.create_superuser("root", password="pw"))

    def test_adding_publishes_created(self):
        response = self.client.post("/admin/nitro_dispatch/card/add/", {"title": "a", "owner": 2})
        card = Card.first(title="a")
        assert card is not None
        assert (response.status_code, log("cards"), log("cards.owner.2")) == (
            302,
            [change(card.id, "created")],
            [change(card.id, "created", "cards.owner.2")],
        )

    def test_changing_publishes_updated(self):
        card = Card.create(title="a", owner=2)
        response = self.client.post(
            f"/admin/nitro_dispatch/card/{card.id}/change/", {"title": "b", "owner": 2}
        )
        assert (response.status_code, log("cards.owner.2")) == (
            302,
            [change(card.id, "created", "cards.owner.2"),
             change(card.id, "updated", "cards.owner.2", 2)],
        )  # fmt: skip

    def test_moving_publishes_to_the_topics_it_left_too(self):
        card = Card.create(title="a", owner=2)
        response = self.client.post(
            f"/admin/nitro_dispatch/card/{card.id}/change/", {"title": "a", "owner": 3}
        )
        assert (response.status_code, log("cards.owner.2"), log("cards.owner.3")) == (
            302,
            [change(card.id, "created", "cards.owner.2"),
             change(card.id, "updated", "cards.owner.2", 2)],
            [change(card.id, "updated", "cards.owner.3")],
        )  # fmt: skip

    def test_deleting_publishes_deleted(self):
        card = Card.create(title="a", owner=2)
        response = self.client.post(
            f"/admin/nitro_dispatch/card/{card.id}/delete/", {"post": "yes"}
        )
        assert (response.status_code, log("cards.owner.2")) == (
            302,
            [change(card.id, "created", "cards.owner.2"),
             change(card.id, "deleted", "cards.owner.2", 2)],
        )  # fmt: skip

    def test_an_admin_change_that_rolls_back_publishes_nothing(self):
        card = Card.create(title="a", owner=2)

        def fail(**kwargs: Any) -> None:
            raise RuntimeError("after the save, inside the admin's transaction")

        post_save.connect(fail, sender=CardMirror, weak=False, dispatch_uid="publish.fail")
        self.addCleanup(post_save.disconnect, sender=CardMirror, dispatch_uid="publish.fail")
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username="root"))
        with self.assertLogs("django.request", logging.ERROR):
            response = client.post(
                f"/admin/nitro_dispatch/card/{card.id}/change/", {"title": "b", "owner": 2}
            )
        assert (response.status_code, Card.get(card.id).title, heads("cards")) == (  # type: ignore[union-attr]
            500,
            "a",
            {"cards": 1},
        )

    def test_a_mirror_row_added_and_deleted_in_one_transaction_publishes_deleted_only(self):
        # Read again after the commit, the added row is gone: its delete says it all.
        with transaction.atomic():
            row = CardMirror.objects.create(title="brief", owner=2)
            key = row.pk
            row.delete()
        assert log("cards") == [change(key, "deleted")]


class MirrorDeleteTests(TestCase):
    def test_deleting_a_mirror_row_that_is_gone_already_sends_nothing_more(self):
        card = Card.create(title="twice")
        row = CardMirror.objects.get(pk=card.id)
        heard: list[Any] = []
        event("card.deleted").connect(heard.append)
        self.addCleanup(event("card.deleted").disconnect, heard.append)
        with self.captureOnCommitCallbacks(execute=True):
            card.delete()  # by the entity API: its own event
            row.delete()  # then by the admin's model: nothing left to tell
        assert [found.id for found in heard] == [card.id]

    def test_an_entity_deleted_in_the_admin_is_sent_with_its_fields_typed(self):
        heard: list[Any] = []

        def deleted(sender: Typed, **kwargs: Any) -> None:
            heard.append((type(sender.priority), sender.priority))

        event("typed.deleted").connect(deleted)
        self.addCleanup(event("typed.deleted").disconnect, deleted)
        typed = Typed.create(name="doomed", priority=Priority.HIGH)
        with self.captureOnCommitCallbacks(execute=True):
            TypedMirror.objects.get(pk=typed.id).delete()
        assert heard == [(Priority, Priority.HIGH)]


@contextmanager
def guards_restored() -> Iterator[None]:
    """Let a test register or clear guards; those of the test apps are back after."""
    kept = list(_guards._guards)
    try:
        yield
    finally:
        clear_guards()
        for pattern, guard in kept:
            live.allow(pattern)(guard)


def allowed(request: Any, topic: str) -> bool:
    """Whether the guards let *request* follow *topic*."""
    try:
        check_allowed(request, topic)
    except PermissionDenied:
        return False
    return True


class GuardTests(SimpleTestCase):
    def test_another_users_topic_is_refused(self):
        with pytest.raises(PermissionDenied) as excinfo:
            check_allowed(user_request(someone(1)), "cards.owner.2")
        assert str(excinfo.value) == "You may not follow cards.owner.2."

    def test_ones_own_topic_is_allowed(self):
        assert allowed(user_request(someone(2)), "cards.owner.2") is True

    def test_a_signed_out_user_gets_topic_zero_only(self):
        request = user_request(AnonymousUser())
        assert (allowed(request, "cards.owner.1"), allowed(request, "cards.owner.0")) == (
            False,
            True,
        )

    def test_a_topic_no_guard_matches_is_open(self):
        assert allowed(user_request(AnonymousUser()), "cards") is True

    def test_patterns_are_case_sensitive(self):
        assert allowed(user_request(someone(1)), "Cards.owner.2") is True

    def test_every_matching_guard_must_allow(self):
        with guards_restored():

            @live.allow("cards.*")
            def nobody(request: Any, topic: str) -> bool:
                return False

            refused = allowed(user_request(someone(2)), "cards.owner.2")
        assert refused is False

    def test_a_guard_is_asked_with_the_request_and_the_topic(self):
        asked: list[tuple[Any, str]] = []
        request = user_request(someone(1))
        with guards_restored():

            @live.allow("news.*")
            def record(request: Any, topic: str) -> bool:
                asked.append((request, topic))
                return True

            check_allowed(request, "news.today")
            check_allowed(request, "sport")
        assert asked == [(request, "news.today")]

    def test_allow_returns_the_guard(self):
        with guards_restored():
            assert live.allow("news.*")(own_cards) is own_cards

    def test_clear_guards_forgets_them(self):
        with guards_restored():
            clear_guards()
            opened = allowed(user_request(someone(1)), "cards.owner.2")
        assert opened is True

    def test_guards_restored_brings_back_the_apps_guards(self):
        before = list(_guards._guards)
        with guards_restored():
            clear_guards()
        assert (_guards._guards, ("cards.owner.*", own_cards) in before) == (before, True)

    def test_an_empty_pattern(self):
        with pytest.raises(TypeError) as excinfo:
            live.allow("")
        assert str(excinfo.value) == "allow() takes a topic pattern such as 'todos.*', not ''."

    def test_a_guard_that_is_no_function(self):
        with pytest.raises(TypeError) as excinfo:
            live.allow("todos.*")("yes")  # type: ignore[type-var]
        assert str(excinfo.value) == (
            "allow('todos.*') decorates a function (request, topic) -> bool, not 'yes'."
        )

    def test_a_pattern_that_is_no_string(self):
        with pytest.raises(TypeError) as excinfo:
            live.allow(own_cards)  # type: ignore[arg-type]
        assert str(excinfo.value) == (
            f"allow() takes a topic pattern such as 'todos.*', not {own_cards!r}."
        )


@contextmanager
def answering(request: Any) -> Iterator[Any]:
    """*request* as the one an action is answering."""
    token = current_request.set(request)
    try:
        yield request
    finally:
        current_request.reset(token)


class StreamTests(SimpleTestCase):
    def test_outside_a_request(self):
        with pytest.raises(RuntimeError) as excinfo:
            live.stream("cards", render=render)
        assert str(excinfo.value) == (
            "live.stream() answers a request: return it from an @action (a GET one)."
        )

    def test_no_topics(self):
        with answering(user_request(AnonymousUser())), pytest.raises(TypeError) as excinfo:
            live.stream(render=render)
        assert str(excinfo.value) == (
            "live.stream() needs at least one topic: live.stream('todos', ...)."
        )

    def test_render_that_is_no_function(self):
        with answering(user_request(AnonymousUser())), pytest.raises(TypeError) as excinfo:
            live.stream("cards", render="cards.html")  # type: ignore[arg-type]
        assert str(excinfo.value) == "live.stream(render=...) takes a function, not 'cards.html'."

    def test_on_message_that_is_no_function(self):
        with answering(user_request(AnonymousUser())), pytest.raises(TypeError) as excinfo:
            live.stream("cards", render=render, on_message=3)  # type: ignore[arg-type]
        assert str(excinfo.value) == "live.stream(on_message=...) takes a function, not 3."

    def test_an_invalid_topic_is_a_bad_request(self):
        # Mostly built from what the client sent: its mistake, not the server's.
        with answering(user_request(AnonymousUser())), pytest.raises(BadRequest) as excinfo:
            live.stream("cards", "my cards", render=render)
        assert (excinfo.value.status, excinfo.value.message) == (
            400,
            "A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not 'my cards': "
            'build it from ids (f"todos.{owner.id}"), not from free text.',
        )

    def test_a_topic_that_is_no_string(self):
        with answering(user_request(AnonymousUser())), pytest.raises(TypeError) as excinfo:
            live.stream("cards", 7, render=render)  # type: ignore[arg-type]
        assert str(excinfo.value) == "A live topic is a string, not 7."

    def test_a_topic_the_user_may_not_follow(self):
        with answering(user_request(someone(1))), pytest.raises(PermissionDenied) as excinfo:
            live.stream("cards", "cards.owner.2", render=render)
        assert str(excinfo.value) == "You may not follow cards.owner.2."

    def test_the_feed(self):
        def said(message: Message) -> str:
            return ""

        with answering(user_request(someone(2))) as request:
            feed = live.stream("cards", "cards.owner.2", render=render, on_message=said, page=3)
        assert (feed.topics, feed.render, feed.on_message, feed.context, feed.request) == (
            ("cards", "cards.owner.2"),
            render,
            said,
            {"page": 3},
            request,
        )

    def test_duplicated_topics_collapse_in_order(self):
        with answering(user_request(AnonymousUser())):
            feed = live.stream("b", "a", "b", "a", render=render)
        assert feed.topics == ("b", "a")

    def test_it_records_the_active_language(self):
        with answering(user_request(AnonymousUser())), translation.override("fr"):
            feed = live.stream("cards", render=render)
        assert feed.language == "fr"

    def test_without_on_message(self):
        with answering(user_request(AnonymousUser())):
            feed = live.stream("cards", render=render)
        assert feed.on_message is None


class StreamActionTests(Fresh):
    def test_a_topic_the_user_may_not_follow_is_refused_before_streaming(self):
        self.client.force_login(User.objects.create_user("ann"))
        other = User.objects.create_user("bob")
        response = self.client.get(
            reverse("nitro:card-follow"), {"topic": f"cards.owner.{other.pk}"}
        )
        assert (response.status_code, _hub._hub) == (403, None)

    def test_an_invalid_topic_from_the_client_is_a_400(self):
        response = self.client.get(reverse("nitro:card-follow"), {"topic": "my cards"})
        assert (response.status_code, response.json()["error"]["message"], _hub._hub) == (
            400,
            "A live topic is 1 to 200 letters, digits, '_', '.', ':' and '-', not 'my cards': "
            'build it from ids (f"todos.{owner.id}"), not from free text.',
            None,
        )


class _Unhashable:
    """A callable that cannot be a dict key (it defines __eq__ without __hash__)."""

    def __eq__(self, other: object) -> bool:
        return self is other

    def __call__(self, request: Any) -> None:
        return None


class FeedTests(SimpleTestCase):
    def feed(self, render: Any, **context: Any) -> Feed:
        return Feed(("cards",), render, None, context, RequestFactory().get("/"), "en")

    def test_an_unhashable_render_taking_the_request_is_rendered_per_viewer(self):
        assert (takes_request(_Unhashable()), self.feed(_Unhashable()).share_key()) == (True, None)

    def test_a_context_that_cannot_be_compared_is_rendered_per_stream(self):
        assert self.feed(Card.board, ids=[1, 2]).share_key() is None

    def test_equal_feeds_share_a_key(self):
        assert (
            self.feed(Card.board, page=2).share_key() == self.feed(Card.board, page=2).share_key()
        )
