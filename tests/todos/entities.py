"""Entities whose actions the dispatcher tests call."""

from __future__ import annotations

import enum
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from asgiref.sync import sync_to_async
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponseRedirect
from pydantic import BaseModel
from pydantic import Field as PydanticField
from sqlalchemy import JSON, BigInteger, Column, DateTime, update
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, col

from nitro_dispatch import Entity, action, fragment, patch, redirect, remove, signals
from nitro_dispatch.db import session


class Tag(BaseModel):
    name: str
    weight: int = 1


class Todo(Entity, table=True):
    title: str
    completed: bool = False

    @action(method="POST")
    def toggle(self) -> str:
        self.completed = not self.completed
        self.save()
        return fragment("todos/item.html", todo=self)

    @classmethod
    @action(method="GET")
    def open_count(cls) -> dict[str, int]:
        return {"open": cls.count(completed=False)}

    @classmethod
    @action(method="POST", status_code=201)
    def add(cls, title: Annotated[str, PydanticField(min_length=1)], request: HttpRequest) -> Any:
        todo = cls.create(title=title)
        messages.success(request, f"Added {title}")
        return fragment("todos/item.html", todo=todo)

    @classmethod
    @action(method="POST")
    def with_group(cls, name: str) -> dict[str, str]:
        Group.objects.create(name=name)
        return {"id": cls.create(title=name).id}

    @action(method="DELETE")
    def discard(self) -> Any:
        self.delete()
        return remove(f"#todo-{self.id}")

    @action(method="POST")
    def fail(self) -> None:
        self.title = "changed"
        self.save()
        Group.objects.create(name="written before the failure")
        raise RuntimeError("the action failed")

    @classmethod
    @action(method="GET")
    def search(
        cls, q: str = "", tags: list[str] | None = None, limit: int = 10, done: bool | None = None
    ) -> dict[str, Any]:
        return {"q": q, "tags": tags, "limit": limit, "done": done}

    @classmethod
    @action(method="POST")
    def tagged(cls, tag: Tag, request: HttpRequest) -> dict[str, Any]:
        return {"tag": tag.model_dump(), "method": request.method}

    @action(method="POST", login_required=True)
    def private(self) -> dict[str, str]:
        return {"title": self.title}

    @action(method="POST", permission="todos.change_todo")
    def guarded(self) -> dict[str, str]:
        return {"title": self.title}

    @action(method="POST", permission=lambda request, todo: todo.title != "locked")
    def unlockable(self) -> dict[str, str]:
        return {"title": self.title}

    @classmethod
    @action(method="GET")
    def several(cls) -> list[Any]:
        return [
            patch(fragment("todos/item.html", todo=Todo(id="a", title="A")), selector="#list",
                  mode="append"),
            signals(count=2),
            remove("#old"),
        ]  # fmt: skip

    @classmethod
    @action(method="GET")
    def stream(cls) -> Iterator[Any]:
        for number in range(3):
            yield signals(tick=number)

    @classmethod
    @action(method="GET")
    async def async_stream(cls) -> AsyncIterator[Any]:
        for number in range(2):
            yield signals(tick=number)

    @classmethod
    @action(method="GET")
    async def async_count(cls) -> dict[str, int]:
        return {"open": await sync_to_async(cls.count)(completed=False)}

    @action(method="POST")
    async def async_rename(self, title: str) -> str:
        self.title = title
        await sync_to_async(self.save)()
        return fragment("todos/item.html", todo=self)

    @action(method="POST")
    async def async_fail(self) -> None:
        self.title = "changed"
        await sync_to_async(self.save)()
        raise RuntimeError("the async action failed")

    @classmethod
    @action(method="GET")
    def go(cls) -> Any:
        return redirect("/done/?note=it's")

    @classmethod
    @action(method="GET")
    def django_redirect(cls) -> HttpResponseRedirect:
        return HttpResponseRedirect("/elsewhere/")

    @classmethod
    @action(method="GET", path="custom-path")
    def customized(cls) -> dict[str, bool]:
        return {"custom": True}

    @classmethod
    @action(method="GET")
    def nothing(cls) -> None:
        return None

    @classmethod
    @action(method="GET")
    def model(cls) -> Tag:
        return Tag(name="model")

    @action(method="GET")
    def itself(self) -> Todo:
        return self

    @classmethod
    @action(method="POST")
    def make_invalid(cls) -> Todo:
        return cls.create(title=None)

    @staticmethod
    @action(method="GET")
    def version() -> dict[str, str]:
        return {"version": "1"}

    @classmethod
    @action(method="GET")
    def text(cls) -> str:
        return "plain text is not markup"


class Timestamped(Entity):
    """A base with shared fields: no table of its own."""

    created: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Event(Timestamped, table=True):
    name: str
    day: date | None = None
    at: time | None = None


class Counter(Entity, table=True):
    __route_name__ = "counters"

    id: int | None = Field(default=None, primary_key=True)
    value: int = 0

    @action(method="POST")
    def increment(self) -> dict[str, int]:
        # One UPDATE with the addition in SQL: concurrent increments cannot overwrite each other.
        with session() as s:
            s.execute(
                update(Counter).where(col(Counter.id) == self.id).values(value=Counter.value + 1)
            )
        counter = Counter.get(self.id)
        return {"value": counter.value if counter else 0}


class Priority(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Typed(Entity, table=True):
    """Every column type the admin maps."""

    id: int | None = Field(default=None, primary_key=True)
    name: str
    code: str = Field(default="", max_length=8)
    quantity: int = 0
    ratio: float = 0.0
    active: bool = True
    price: Decimal = Field(default=Decimal("0"), max_digits=8, decimal_places=2)
    when: datetime | None = None
    naive: datetime | None = Field(default=None, sa_type=DateTime)
    day: date | None = None
    at: time | None = None
    token: uuid.UUID = Field(default_factory=uuid.uuid4)
    priority: Priority = Priority.LOW
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    todo_id: str | None = Field(default=None, foreign_key="todo.id")
    owner_id: int | None = Field(default=None, foreign_key="auth_user.id")
    loose: Decimal | None = None
    elsewhere: int | None = Field(default=None, foreign_key="nowhere.id")
    mood: str = Field(default="ok", sa_column=Column(SAEnum("ok", "meh", name="mood")))
    big: int = Field(default=0, sa_type=BigInteger)
    span: timedelta | None = None

    def __str__(self) -> str:
        return f"Typed {self.name}"


class Hidden(Entity, table=True):
    admin = False
    secret: str = ""


class NoteAdmin(ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "text")


class Note(Entity, table=True):
    admin = NoteAdmin
    text: str = ""


class Customized(Entity, table=True):
    admin: ClassVar[Any] = {"list_display": ["id", "label"], "search_fields": []}
    label: str = ""
