"""The todo entity: each user operation is an @action answering with Datastar patches, and
every change is broadcast to the pages that are open (live.stream in ``updates``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar

from django.contrib import messages
from django.http import HttpRequest
from pydantic import StringConstraints
from sqlmodel import Field

from nitro_dispatch import Entity, action, fragment, live, signals

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class Todo(Entity, table=True):
    admin: ClassVar[dict[str, Any]] = {"list_display": ["title", "completed", "created"]}
    # Every change (here, in the admin, anywhere) is published to the topic "todos", after commit.
    broadcasts: ClassVar[str] = "todos"

    title: str = Field(max_length=200)
    completed: bool = False
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def __str__(self) -> str:
        return self.title

    @classmethod
    def board(cls) -> list[Any]:
        """The list and the counter, as every open page shows them (the filter is applied in
        the page), so one render serves every viewer."""
        return [
            fragment("todos/todo_list.html", todos=cls.where(order_by="created")),
            signals(open=cls.count(completed=False), total=cls.count()),
        ]

    @classmethod
    @action(method="GET")
    def updates(cls) -> live.Feed:
        """The page's live stream: the board now, then again after each change."""
        return live.stream("todos", render=cls.board)

    # The actions answer with the messages and signals of the page that acted; the list comes to
    # every page, this one included, through the live stream, in the order the changes commit.

    @classmethod
    @action(method="POST")
    def add(cls, title: Title, request: HttpRequest) -> list[Any]:
        todo = cls.create(title=title)
        messages.success(request, f"Added “{todo.title}”.")
        return [fragment("todos/messages.html"), signals(title="", _nitroError=False)]

    @action(method="POST")
    def toggle(self, request: HttpRequest) -> list[Any]:
        self.completed = not self.completed
        self.save()
        return [signals(_nitroError=False)]

    @action(method="POST")
    def rename(self, title: Title, request: HttpRequest) -> list[Any]:
        self.title = title
        self.save()
        messages.info(request, f"Renamed to “{title}”.")
        return [fragment("todos/messages.html"), signals(_nitroError=False)]

    @action(method="DELETE")
    def discard(self, request: HttpRequest) -> list[Any]:
        self.delete()
        messages.success(request, f"Deleted “{self.title}”.")
        return [fragment("todos/messages.html"), signals(_nitroError=False)]

    @classmethod
    @action(method="POST", login_required=True)  # signed-out users are sent to sign in first
    def clear_completed(cls, request: HttpRequest) -> list[Any]:
        # One statement: a todo reopened meanwhile by someone else is not deleted.
        cleared = cls.delete_where(completed=True)
        messages.success(request, f"Cleared {cleared} completed.")
        return [fragment("todos/messages.html"), signals(_nitroError=False)]
