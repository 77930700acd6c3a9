"""Entities with mistakes, imported only by the checks tests."""

from __future__ import annotations

from nitro_dispatch import Entity, action


class Opaque:
    """A type pydantic cannot validate."""


class Clash(Entity, table=True):
    @classmethod
    @action(method="GET", path="same")
    def first(cls) -> None:
        return None

    @classmethod
    @action(method="GET", path="same")
    def second(cls) -> None:
        return None

    @classmethod
    @action(method="POST")
    def opaque(cls, value: Opaque) -> None:
        return None


class Forgotten(Entity):
    title: str
