"""Entities written the way Nitro 0.3.0's docs, tests and examples write them, importing Entity
from nitro_dispatch instead of Nitro: the port-compatibility tests run on these."""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import computed_field, field_validator
from sqlalchemy import Column, PickleType, SmallInteger
from sqlmodel import Field, Relationship, SQLModel

from nitro_dispatch import Entity


class Turnstile(Entity, table=True):
    """Nitro's Counter example: a field named count, which hides Entity.count()."""

    admin = False
    name: str = Field(default="Counter")
    # Type checkers see a method replaced by a field.
    count: int = Field(default=0)  # type: ignore[assignment]


class Enrollment(SQLModel, table=True):
    """A plain SQLModel link table, as SQLModel and Nitro write many-to-many relationships."""

    student_id: str | None = Field(default=None, foreign_key="student.id", primary_key=True)
    course_id: str | None = Field(default=None, foreign_key="course.id", primary_key=True)


class Student(Entity, table=True):
    admin = False
    name: str
    email: str = ""
    courses: list[Course] = Relationship(back_populates="students", link_model=Enrollment)


class Course(Entity, table=True):
    admin = False
    name: str
    credits: int = 0
    students: list[Student] = Relationship(back_populates="courses", link_model=Enrollment)


class Author(Entity, table=True):
    admin = False
    name: str
    posts: list[Post] = Relationship(back_populates="author")


class Post(Entity, table=True):
    admin = False
    title: str
    author_id: str | None = Field(default=None, foreign_key="author.id")
    author: Author | None = Relationship(back_populates="posts")


class Remark(SQLModel, table=True):
    """A plain SQLModel table with a foreign key to an entity: created with the entities."""

    id: int | None = Field(default=None, primary_key=True)
    post_id: str = Field(foreign_key="post.id")
    text: str = ""


class Level(enum.Enum):
    LOW = "low"
    HIGH = "high"


class Member(Entity, table=True):
    """Fields of every kind filter() and search() treat apart."""

    admin = False
    name: str
    age: int | None = None
    email: str | None = None
    status: str | None = "active"
    joined: date | None = None
    seen: datetime | None = None
    code: uuid.UUID | None = None
    level: Level = Level.LOW
    balance: Decimal = Field(default=Decimal("0"), max_digits=8, decimal_places=2)


class Product(Entity, table=True):
    """Nitro's computed-field and validator examples."""

    admin = False
    name: str = Field(min_length=2, max_length=40, description="What it is called")
    price: float = Field(ge=0)
    tax_rate: float = 0.1
    sku: str | None = Field(
        default=None, max_length=12, schema_extra={"json_schema_extra": {"hidden_in_table": True}}
    )
    level: Level | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def price_with_tax(self) -> float:
        return round(self.price * (1 + self.tax_rate), 2)

    @field_validator("name")
    @classmethod
    def no_at_sign(cls, value: str) -> str:
        if "@" in value:
            raise ValueError("Name must not contain @")
        return value


class Reading:
    """A value pydantic has no schema for."""

    def __init__(self, value: int) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Reading) and other.value == self.value

    def __hash__(self) -> int:
        return self.value


class Gauge(Entity, table=True):
    """An integer key, no text field, a small integer column and a value of a type of its own."""

    admin = False
    id: int | None = Field(default=None, primary_key=True)
    level: int = 0
    small: int = Field(default=0, sa_type=SmallInteger)
    reading: Reading | None = Field(default=None, sa_column=Column(PickleType))
    seen: datetime | None = None
