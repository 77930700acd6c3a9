"""Live streams through the test client: snapshots, changes, reconnections, sharing, guards."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Mapping
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import User
from django.core.handlers.asgi import ASGIHandler
from django.db import transaction
from django.test import RequestFactory, TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import translation

from nitro_dispatch import live
from nitro_dispatch.live._feed import Feed
from nitro_dispatch.live._hub import get_hub, reset_hub
from nitro_dispatch.live.brokers import get_broker
from tests.live_app.entities import RENDERS, Card, Line
from tests.nitro_dispatch.live_client import DS, Reader, split, wait_until

LIVE = {"HEARTBEAT": 0.05, "LIVE_THROTTLE": 0}


def epoch() -> str:
    return get_broker().epoch  # type: ignore[attr-defined, no-any-return]


def board(cards: list[Card], ident: str) -> list[str]:
    ordered = sorted(cards, key=lambda card: card.id)  # the board's order
    items = "".join(f'<li id="card-{card.id}">{card.title}</li>' for card in ordered)
    return [
        f'event: datastar-patch-elements\ndata: elements <ul id="cards">{items}</ul>',
        f'event: datastar-patch-signals\ndata: signals {{"cards":{len(cards)}}}\nid: {ident}',
    ]


@override_settings(NITRO_DISPATCH=LIVE)
class LiveTestCase(TransactionTestCase):
    def setUp(self) -> None:
        reset_hub()  # a broker of its own: positions from 0, an epoch of its own
        # Listening before anything is published: a hub that starts later reads the log once
        # when it connects, and renders what it finds there again.
        assert get_hub().connected.wait(5)
        RENDERS.clear()

    def open(self, name: str = "card-watch", **headers: str) -> Reader:
        response = self.client.get(reverse(f"nitro:{name}"), headers={**DS, **headers})
        assert (response.status_code, response["Content-Type"]) == (200, "text/event-stream")
        return Reader(response)


class SnapshotTests(LiveTestCase):
    def test_the_first_connection_gets_a_snapshot_with_an_id(self):
        first = Card.create(title="first")
        with self.open() as reader:
            assert reader.take(2) == board([first], f"{epoch()}~cards=1")

    def test_a_committed_change_is_rendered_and_sent(self):
        with self.open() as reader:
            reader.take(2)
            card = Card.create(title="new")
            assert reader.take(2) == board([card], f"{epoch()}~cards=1")

    def test_a_rolled_back_change_sends_nothing(self):
        with self.open() as reader:
            reader.take(2)
            try:
                with transaction.atomic():
                    Card.create(title="never")
                    raise RuntimeError
            except RuntimeError:
                pass
            assert reader.quiet() == []

    def test_a_change_to_another_topic_sends_nothing(self):
        with self.open() as reader:
            reader.take(2)
            live.publish("chat", {"id": 1, "text": "elsewhere"})
            assert reader.quiet() == []

    def test_heartbeats_keep_an_idle_stream_open(self):
        response = self.client.get(reverse("nitro:card-watch"), headers=DS)
        content = iter(response.streaming_content)  # type: ignore[attr-defined]
        chunks = [next(content).decode() for _ in range(3)]
        response.close()
        assert chunks[1:] == [": ping\n\n", ": ping\n\n"]

    def test_a_feed_answered_without_the_url_resolver_streams_too(self):
        request = RequestFactory().get("/", headers=DS)  # no resolver_match
        made = Feed(("cards",), Card.board, None, {}, request, "en")
        with Reader(made.to_response()) as reader:
            assert reader.take(2) == board([], f"{epoch()}~cards=0")

    def test_an_open_stream_keeps_none_of_the_url_patterns_tried(self):
        response = self.client.get(reverse("nitro:card-watch"), headers=DS)
        with Reader(response) as reader:
            reader.take(2)
            tried = response.wsgi_request.resolver_match.tried  # type: ignore[union-attr]
        assert tried == []

    def test_a_head_request_opens_no_stream(self):
        response = self.client.head(reverse("nitro:card-watch"), headers=DS)
        assert (response.status_code, b"".join(response.streaming_content)) == (200, b"")  # type: ignore[attr-defined]


class ReconnectionTests(LiveTestCase):
    def test_reconnecting_with_the_current_id_gets_no_snapshot(self):
        Card.create(title="seen")
        with self.open(**{"Last-Event-ID": f"{epoch()}~cards=1"}) as reader:
            assert reader.quiet() == []

    def test_reconnecting_after_a_change_gets_the_current_state(self):
        seen = Card.create(title="seen")
        missed = Card.create(title="missed")
        with self.open(**{"Last-Event-ID": f"{epoch()}~cards=1"}) as reader:
            assert reader.take(2) == board([seen, missed], f"{epoch()}~cards=2")

    def test_an_id_of_another_epoch_gets_a_snapshot(self):
        card = Card.create(title="seen")
        with self.open(**{"Last-Event-ID": "restarted~cards=1"}) as reader:
            assert reader.take(2) == board([card], f"{epoch()}~cards=1")

    def test_an_id_ahead_of_the_log_gets_a_snapshot(self):
        with self.open(**{"Last-Event-ID": f"{epoch()}~cards=99"}) as reader:
            assert reader.take(2) == board([], f"{epoch()}~cards=0")

    def test_a_garbled_id_gets_a_snapshot(self):
        with self.open(**{"Last-Event-ID": "<script>~cards=x"}) as reader:
            assert reader.take(2) == board([], f"{epoch()}~cards=0")

    def test_an_id_for_other_topics_gets_a_snapshot(self):
        with self.open(**{"Last-Event-ID": f"{epoch()}~chat=0"}) as reader:
            assert reader.take(2) == board([], f"{epoch()}~cards=0")


class MessageTests(LiveTestCase):
    def say(self, text: str) -> None:
        response = self.client.post(
            reverse("nitro:line-say"), {"text": text}, content_type="application/json"
        )
        assert response.status_code == 200

    def line(self, position: int, text: str, line_id: int | str) -> str:
        return (
            f'event: datastar-patch-elements\ndata: elements <p id="line-{line_id}">{text}</p>\n'
            f"id: {epoch()}~chat={position}"
        )

    def test_each_message_is_sent_as_its_patches(self):
        with self.open("line-chat") as reader:
            reader.take(1)
            self.say("hello")
            self.say("again")
            first, second = sorted(Line.all(), key=lambda line: line.text != "hello")
            assert reader.take(2) == [
                self.line(1, "hello", first.id),
                self.line(2, "again", second.id),
            ]

    def test_a_reconnection_replays_the_messages_it_missed_in_order(self):
        for text in ("one", "two", "three"):
            self.say(text)
        said = {line.text: line for line in Line.all()}
        two, three = said["two"], said["three"]
        with self.open("line-chat", **{"Last-Event-ID": f"{epoch()}~chat=1"}) as reader:
            assert reader.take(2) == [self.line(2, "two", two.id), self.line(3, "three", three.id)]

    @override_settings(NITRO_DISPATCH={**LIVE, "LIVE_LOG": 2})
    def test_a_gap_older_than_the_log_gets_a_snapshot(self):
        for text in ("one", "two", "three"):
            self.say(text)
        lines = Line.where(order_by="id")
        markup = "".join(f'<p id="line-{line.id}">{line.text}</p>' for line in lines)
        with self.open("line-chat", **{"Last-Event-ID": f"{epoch()}~chat=0"}) as reader:
            assert reader.take(1) == [
                f'event: datastar-patch-elements\ndata: elements <div id="chat">{markup}</div>\n'
                f"id: {epoch()}~chat=3"
            ]


class SharingTests(LiveTestCase):
    def test_a_render_without_the_request_runs_once_per_change_for_every_viewer(self):
        readers = [self.open() for _ in range(3)]
        try:
            for reader in readers:
                reader.take(2)  # each snapshot rendered for its page
            RENDERS.clear()
            card = Card.create(title="shared")
            assert [reader.take(2) for reader in readers] == [
                board([card], f"{epoch()}~cards=1")
            ] * 3
        finally:
            for reader in readers:
                reader.close()
        assert RENDERS == ["board"]  # the change, once for all three

    def test_a_render_taking_the_request_runs_for_each_viewer(self):
        users = [User.objects.create_user(f"user{n}") for n in range(2)]
        readers = []
        for user in users:
            self.client.force_login(user)
            readers.append(self.open("card-mine"))
        try:
            for reader in readers:
                reader.take(1)
            Card.create(title="theirs", owner=users[1].pk)
            assert readers[1].take(1) == [
                f'event: datastar-patch-elements\ndata: elements <ul id="mine"><li>theirs</li>'
                f"</ul>\nid: {epoch()}~cards.owner.{users[1].pk}=1"
            ]
            assert readers[0].quiet() == []
        finally:
            for reader in readers:
                reader.close()
        assert sorted(RENDERS) == sorted([f"own:{users[0].pk}", f"own:{users[1].pk}"] * 1
                                         + [f"own:{users[1].pk}"])  # fmt: skip

    @override_settings(NITRO_DISPATCH={**LIVE, "LIVE_THROTTLE": 0.5})
    def test_a_burst_of_changes_is_rendered_once_after_the_first(self):
        with self.open() as reader:
            reader.take(2)
            cards = [Card.create(title=f"card {n}") for n in range(10)]
            assert wait_until(lambda: len(RENDERS) == 3)
            sent = reader.quiet(1)
        assert (RENDERS, sent[-2:]) == (["board"] * 3, board(cards, f"{epoch()}~cards=10"))

    def test_the_stream_renders_in_the_language_it_was_opened_in(self):
        with translation.override("fr"), self.open("line-greeting") as reader:
            assert reader.take(1)[0].startswith(
                'event: datastar-patch-elements\ndata: elements <p id="greeting">'
            )


class GuardTests(LiveTestCase):
    def test_a_topic_a_guard_refuses_is_refused(self):
        user = User.objects.create_user("me")
        self.client.force_login(user)
        response = self.client.get(reverse("nitro:card-follow"), {"topic": "cards.owner.999"})
        assert (response.status_code, response.json()["error"]["message"]) == (
            403,
            "You may not follow cards.owner.999.",
        )

    def test_a_refusal_reaches_a_datastar_page_as_the_error_signal(self):
        response = self.client.get(
            reverse("nitro:card-follow"), {"topic": "cards.owner.999"}, headers=DS
        )
        assert (response.status_code, response.content.decode()) == (
            200,
            'event: datastar-patch-signals\ndata: signals {"_nitroError":{"type":'
            '"permission_denied","message":"You may not follow cards.owner.999.",'
            '"status_code":403,"details":[]}}\n\n',
        )

    def test_a_topic_the_guard_allows_is_followed(self):
        user = User.objects.create_user("me")
        self.client.force_login(user)
        response = self.client.get(
            reverse("nitro:card-follow"), {"topic": f"cards.owner.{user.pk}"}, headers=DS
        )
        with Reader(response) as reader:
            assert reader.take(2) == board([], f"{epoch()}~cards.owner.{user.pk}=0")

    def test_an_invalid_topic_from_the_client_is_a_bad_request(self):
        response = self.client.get(reverse("nitro:card-follow"), {"topic": "no spaces"})
        assert response.status_code == 400

    def test_the_actions_own_login_check_applies(self):
        response = self.client.get(reverse("nitro:card-private"))
        assert response.status_code == 302


async def serve_asgi(path: str, client: Any, headers: dict[str, str] | None = None) -> bytes:
    """GET *path* from Django's ASGI handler as an ASGI server calls it. ``await client(got)``
    is called after each chunk with all received so far; the client leaves
    (``http.disconnect``) once it returns True. Return what it got."""
    received = b""
    left = asyncio.Event()
    messages = [{"type": "http.request", "body": b""}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await left.wait()
        return {"type": "http.disconnect"}

    async def send(message: Mapping[str, Any]) -> None:
        nonlocal received
        received += message.get("body", b"")
        if message["type"] == "http.response.body" and await client(received):
            left.set()

    sent = {"datastar-request": "true", **(headers or {})}
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *((k.encode(), v.encode()) for k, v in sent.items())],
    }
    await asyncio.wait_for(ASGIHandler()(scope, receive, send), 10)
    return received


class AsgiTests(LiveTestCase):
    """Under ASGI the stream is a coroutine of the server's loop, woken by the hub."""

    def test_a_change_reaches_a_stream_served_under_asgi(self):
        made: list[Card] = []

        async def client(received: bytes) -> bool:
            if b'{"cards":0}' in received and not made:
                made.append(await sync_to_async(Card.create)(title="async"))
            return b'{"cards":1}' in received

        received = asyncio.run(serve_asgi(reverse("nitro:card-watch"), client)).decode()
        assert split(received.replace(": ping\n\n", "")) == [
            *board([], f"{epoch()}~cards=0"),
            *board(made, f"{epoch()}~cards=1"),
        ]

    def test_an_idle_stream_under_asgi_sends_heartbeats(self):
        async def client(received: bytes) -> bool:
            return received.count(b": ping\n\n") >= 2

        received = asyncio.run(serve_asgi(reverse("nitro:card-watch"), client)).decode()
        assert received.endswith(": ping\n\n: ping\n\n")

    def test_a_stream_under_asgi_leaves_its_group_when_the_client_goes(self):
        async def client(received: bytes) -> bool:
            return b'{"cards":0}' in received

        asyncio.run(serve_asgi(reverse("nitro:card-watch"), client))
        assert wait_until(lambda: get_hub().groups == {})

    def test_a_stream_under_asgi_is_compressed_for_a_client_that_accepts_it(self):
        async def client(received: bytes) -> bool:
            # Each event decodes as soon as it arrives: the snapshot's two at once.
            decoded = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(received)
            return b'{"cards":0}' in decoded

        received = asyncio.run(
            serve_asgi(reverse("nitro:card-watch"), client, {"accept-encoding": "gzip"})
        )
        assert split(zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(received).decode()) == (
            board([], f"{epoch()}~cards=0")
        )
