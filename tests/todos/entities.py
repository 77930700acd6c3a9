"""Entities whose actions the dispatcher tests call."""

from __future__ import annotations

import asyncio
import enum
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from asgiref.sync import sync_to_async
from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.contrib.auth.models import Group
from django.db import connection
from django.http import HttpRequest, HttpResponseRedirect
from pydantic import BaseModel, field_validator, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    FetchedValue,
    Integer,
    SmallInteger,
    String,
    text,
    update,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import relationship
from sqlmodel import Field, Relationship, col

from nitro_dispatch import Entity, action, delete, fragment, patch, redirect, remove, signals
from nitro_dispatch.db import session


class Tag(BaseModel):
    name: str
    weight: int = 1


@dataclass
class Spot:
    name: str
    row: int = 0


class TitleForm(forms.Form):
    title = forms.CharField(max_length=20)
    attachment = forms.FileField(required=False)


# The streams that have begun (see Todo.watched).
STARTED: list[str] = []


class Todo(Entity, table=True):
    title: str
    completed: bool = False

    @action(method="POST")
    def toggle(self) -> str:
        self.completed = not self.completed
        self.save()
        return fragment("todos/item.html", todo=self)

    @action(method="POST")
    def rename(self, title: str) -> list[Any]:
        self.title = title
        self.save()
        return [fragment("todos/item.html", todo=self), signals(title=self.title)]

    @action(method="POST")
    def vanish(self) -> None:
        # Deleted behind the entity's back, then saved: the save must not bring it back.
        Todo.get(self.id).delete()  # type: ignore[union-attr]
        self.title = "saved after its deletion"
        self.save()

    @action(method="POST")
    def blank(self) -> None:
        self.completed = True
        self.save()
        self.title = None  # type: ignore[assignment]  # refused: nothing is written

    @classmethod
    @action(method="POST")
    def duplicate(cls, id: str) -> None:
        cls.create(id=id, title="twice")

    @classmethod
    @action(method="POST")
    def collide(cls) -> None:
        import psycopg

        raise OperationalError("UPDATE todo", {}, psycopg.errors.SerializationFailure())

    @classmethod
    @action(method="POST")
    def congest(cls) -> None:
        import sqlite3

        raise OperationalError(
            "BEGIN IMMEDIATE", {}, sqlite3.OperationalError("database is locked")
        )

    @classmethod
    @action(method="POST")
    def break_down(cls) -> None:
        raise OperationalError("UPDATE todo", {}, RuntimeError("disk I/O error"))

    @classmethod
    @action(method="POST")
    def savepoints(cls) -> dict[str, int]:
        return {"savepoints": len(connection.savepoint_ids)}

    @classmethod
    @action(method="POST")
    def place(cls, spot: Spot) -> dict[str, Any]:
        return {"name": spot.name, "row": spot.row}

    @classmethod
    @action(method="POST")
    def echo(cls, data: dict[str, Any] | None = None, ratio: float = 0.0) -> dict[str, Any]:
        return {"data": data, "ratio": ratio}

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

    # An action of its own replaces Entity.search() on this entity, as any override does.
    @classmethod
    @action(method="GET")
    def search(  # type: ignore[override]
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

    @action(method="GET", login_required=True)
    def peek(self) -> dict[str, str]:
        return {"title": self.title}

    @classmethod
    @action(method="POST")
    def add_from_form(cls, form: TitleForm, note: str = "") -> dict[str, Any]:
        if not form.is_valid():
            return {"errors": form.errors.get_json_data(), "note": note}
        upload = form.cleaned_data["attachment"]
        todo = cls.create(title=form.cleaned_data["title"])
        return {"created": todo.title, "attachment": upload.name if upload else None}

    @classmethod
    @action(method="GET")
    def preview_form(cls, form: TitleForm) -> dict[str, Any]:
        return {"bound": form.is_bound, "valid": form.is_valid()}

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
    async def idle(cls) -> AsyncIterator[Any]:
        # An open page waiting for news: one snapshot, then nothing but heartbeats.
        yield signals(open=await sync_to_async(cls.count)(completed=False))
        await asyncio.sleep(3600)

    @classmethod
    @action(method="GET")
    def watched(cls) -> Iterator[Any]:
        STARTED.append("watched")
        yield signals(tick=1)

    @classmethod
    @action(method="GET")
    def ticker(cls, every: float = 0.2) -> Iterator[Any]:
        # A polling page: each item reads the database, then the generator sleeps.
        import time

        while True:
            yield signals(open=cls.count(completed=False))
            time.sleep(every)

    @classmethod
    @action(method="GET")
    def closing(cls, tag: str, every: float = 0.1) -> Iterator[Any]:
        # A page that ticks until its client leaves; how its generator ended is written down.
        import time

        try:
            while True:
                yield signals(tick=1)
                time.sleep(every)
        except BaseException as exc:
            Note.create(text=f"{tag} {type(exc).__name__}")
            raise

    @classmethod
    @action(method="GET")
    async def async_closing(cls, tag: str, every: float = 0.1) -> AsyncIterator[Any]:
        try:
            while True:
                yield signals(tick=1)
                await asyncio.sleep(every)
        except BaseException as exc:
            await sync_to_async(Note.create)(text=f"{tag} {type(exc).__name__}")
            raise

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
    def bump(self) -> dict[str, int]:
        # Read, change, save: the plain way, which must lose nothing.
        self.value = self.value + 1
        self.save()
        return {"value": self.value}

    @delete()  # Nitro's shortcut: 204, no body
    def discard(self) -> None:
        self.delete()

    @action(method="POST")
    def record(self, amount: int, note: str = "") -> dict[str, int]:
        # Two writes: if the second is refused, the first must not be kept either.
        Note.create(text=note)
        self.value = self.value + amount
        self.save()
        return {"value": self.value}

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


class Shout(Entity, table=True):
    """Validators that must run once per value (appending is not idempotent)."""

    admin = False
    text: str = ""
    start: int = 0
    end: int = 0

    @field_validator("text")
    @classmethod
    def exclaim(cls, value: str) -> str:
        return value + "!"

    @model_validator(mode="after")
    def ordered(self) -> Shout:
        if self.end < self.start:
            raise ValueError("end comes before start")
        return self


class Limited(Entity, table=True):
    """Columns narrower than their Python types."""

    admin = False
    id: int | None = Field(default=None, primary_key=True)
    short: str = Field(default="", sa_column=Column(String(5), nullable=False))
    small: int = Field(default=0, sa_type=SmallInteger)
    big: int = Field(default=0, sa_type=BigInteger)


class Stamped(Entity, table=True):
    """A column the database fills in."""

    admin = False
    id: int | None = Field(default=None, primary_key=True)
    label: str = ""
    serial: int = Field(sa_column=Column(Integer, server_default=text("7"), nullable=False))
    # As a trigger would set it on every UPDATE: SQLAlchemy must read it back.
    touched: int = Field(
        sa_column=Column(
            Integer, server_default=text("0"), server_onupdate=FetchedValue(), nullable=False
        )
    )


class Project(Entity, table=True):
    admin = False
    name: str = ""
    # With postponed annotations, SQLAlchemy is told the targets by name.
    tasks: list[Task] = Relationship(sa_relationship=relationship("Task", back_populates="project"))


class Task(Entity, table=True):
    admin = False
    name: str = ""
    project_id: str | None = Field(default=None, foreign_key="project.id")
    project: Project | None = Relationship(
        sa_relationship=relationship("Project", back_populates="tasks")
    )
