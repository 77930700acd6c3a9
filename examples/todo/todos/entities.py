"""The todo entity: each user operation is an @action answering with Datastar patches."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, ClassVar, Literal

from django.contrib import messages
from django.http import HttpRequest
from pydantic import StringConstraints
from sqlmodel import Field

from nitro_dispatch import Entity, action, fragment, remove, signals

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Filter = Literal["all", "active", "completed"]


class Todo(Entity, table=True):
    admin: ClassVar[dict[str, Any]] = {"list_display": ["title", "completed", "created"]}

    title: str = Field(max_length=200)
    completed: bool = False
    created: datetime = Field(default_factory=lambda: datetime.now(UTC))

    def __str__(self) -> str:
        return self.title

    @classmethod
    def visible(cls, filter: Filter) -> list[Todo]:
        if filter == "all":
            return cls.where(order_by="created")
        return cls.where(cls.completed == (filter == "completed"), order_by="created")

    @classmethod
    def refreshed(cls, request: HttpRequest, filter: Filter = "all", **values: Any) -> list[Any]:
        """The patches that bring the page up to date: list, counter, messages."""
        return [
            fragment("todos/todo_list.html", todos=cls.visible(filter)),
            fragment("todos/messages.html"),
            signals(open=cls.count(completed=False), _nitroError=False, **values),
        ]

    @classmethod
    @action(method="POST")
    def add(cls, title: Title, request: HttpRequest, filter: Filter = "all") -> list[Any]:
        todo = cls.create(title=title)
        messages.success(request, f"Added “{todo.title}”.")
        return cls.refreshed(request, filter, title="")

    @action(method="POST")
    def toggle(self, request: HttpRequest) -> list[Any]:
        self.completed = not self.completed
        self.save()
        return [fragment("todos/item.html", todo=self), signals(open=Todo.count(completed=False))]

    @action(method="POST")
    def rename(self, title: Title, request: HttpRequest) -> list[Any]:
        self.title = title
        self.save()
        messages.info(request, f"Renamed to “{title}”.")
        return [fragment("todos/item.html", todo=self), fragment("todos/messages.html")]

    @action(method="DELETE")
    def discard(self, request: HttpRequest) -> list[Any]:
        self.delete()
        messages.success(request, f"Deleted “{self.title}”.")
        return [
            remove(f"#todo-{self.id}"),
            fragment("todos/messages.html"),
            signals(open=Todo.count(completed=False)),
        ]

    @classmethod
    @action(method="POST", login_required=True)  # signed-out users are sent to sign in first
    def clear_completed(cls, request: HttpRequest, filter: Filter = "all") -> list[Any]:
        # One statement: a todo reopened meanwhile by someone else is not deleted.
        cleared = cls.delete_where(completed=True)
        messages.success(request, f"Cleared {cleared} completed.")
        return cls.refreshed(request, filter)

    @classmethod
    @action(method="GET")
    def show(cls, request: HttpRequest, filter: Filter = "all") -> list[Any]:
        return [fragment("todos/todo_list.html", todos=cls.visible(filter))]
