"""Entities that broadcast their changes, and stream actions that follow them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest
from django.utils.translation import gettext
from sqlmodel import Field

from nitro_dispatch import Entity, action, live, signals
from rustytags_backend.html import Div, Li, P, Span, Ul

RENDERS: list[str] = []  # what was rendered, for the tests to count


class Card(Entity, table=True):
    """Every change goes to "cards", and to its owner's topic."""

    broadcasts: ClassVar[Any] = ("cards", lambda card: f"cards.owner.{card.owner}")

    title: str
    owner: int = 0

    @classmethod
    def board(cls) -> Any:
        """Rendered once per change for every page (it does not take the request)."""
        RENDERS.append("board")
        cards = cls.where(order_by="id")
        return [Ul(*(Li(card.title, id=f"card-{card.id}") for card in cards), id="cards"),
                signals(cards=len(cards))]  # fmt: skip

    @classmethod
    def own(cls, request: HttpRequest) -> Any:
        """Rendered for each viewer."""
        RENDERS.append(f"own:{request.user.pk}")
        mine = cls.where(cls.owner == (request.user.pk or 0), order_by="id")
        return Ul(*(Li(card.title) for card in mine), id="mine")

    @classmethod
    @action(method="GET")
    def watch(cls) -> live.Feed:
        return live.stream("cards", render=cls.board)

    @classmethod
    @action(method="GET")
    def mine(cls, request: HttpRequest) -> live.Feed:
        return live.stream(f"cards.owner.{request.user.pk or 0}", render=cls.own)

    @classmethod
    @action(method="GET")
    def follow(cls, topic: str) -> live.Feed:
        """A topic named by the client: the guards decide."""
        return live.stream(topic, render=cls.board)

    @classmethod
    @action(method="GET", login_required=True)
    def private(cls) -> live.Feed:
        return live.stream("cards", render=cls.board)


class Line(Entity, table=True):
    """A chat line: pages append each one (on_message), and replay those they missed."""

    text: str

    @classmethod
    def lines(cls) -> Any:
        return Div(*(P(line.text, id=f"line-{line.id}") for line in cls.where(order_by="id")),
                   id="chat")  # fmt: skip

    @classmethod
    def said(cls, message: live.Message) -> Any:
        return P(message.data["text"], id=f"line-{message.data['id']}")

    @classmethod
    @action(method="POST")
    def say(cls, text: str) -> None:
        line = cls.create(text=text)
        live.publish("chat", {"id": line.id, "text": text})

    @classmethod
    @action(method="GET")
    def chat(cls) -> live.Feed:
        return live.stream("chat", render=cls.lines, on_message=cls.said)

    @classmethod
    @action(method="GET")
    def greeting(cls) -> live.Feed:
        return live.stream("chat", render=lambda: P(gettext("Hello"), id="greeting"))


class Score(Entity, table=True):
    """Numbers that only grow: a page must never show a smaller one after a larger."""

    broadcasts: ClassVar[Any] = "scores"

    id: int | None = Field(default=None, primary_key=True)
    value: int = 0

    @classmethod
    def shown(cls) -> Any:
        scores = cls.where(order_by="id")
        return [Div(*(Span(str(score.value), id=f"score-{score.id}") for score in scores),
                    id="scores"),
                signals(scores={str(score.id): score.value for score in scores})]  # fmt: skip

    @classmethod
    @action(method="GET")
    def watch(cls) -> live.Feed:
        return live.stream("scores", render=cls.shown)

    @action(method="POST")
    def bump(self) -> dict[str, int]:
        self.value += 1  # the action holds the row's lock: no bump is lost
        self.save()
        return {"value": self.value}


@live.allow("cards.owner.*")
def own_cards(request: HttpRequest, topic: str) -> bool:
    return topic == f"cards.owner.{request.user.pk or 0}"
