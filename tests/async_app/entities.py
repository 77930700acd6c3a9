"""Entities of the async action and event tests: Nitro's way of writing async actions."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from asgiref.sync import sync_to_async
from django.contrib.auth.models import Group
from sqlalchemy import update
from sqlmodel import Field, col

from nitro_dispatch import Entity, action
from nitro_dispatch.db import session
from nitro_dispatch.events import emit, emit_async, on

# What the handlers below were given, in order (the tests empty it).
HEARD: list[Any] = []
# The event loops Tally.wait ran on.
LOOPS: list[asyncio.AbstractEventLoop] = []
# What the failing actions had written when they failed.
WRITTEN: list[Any] = []


class Tally(Entity, table=True):
    """A counter whose actions are async, calling the entity API as Nitro's examples do."""

    admin = False
    id: int | None = Field(default=None, primary_key=True)
    label: str = ""
    total: int = 0

    @action(method="POST")
    async def bump(self) -> dict[str, int]:
        # Read (the dispatcher did), change, save: straight from the coroutine.
        self.total += 1
        self.save()
        again = Tally.get(self.id)
        return {"count": again.total if again else -1}

    @action(method="POST")
    async def bump_then_fail(self) -> None:
        self.total += 1
        self.save()
        written = Tally.get(self.id).total  # type: ignore[union-attr]
        WRITTEN.append(written)
        raise RuntimeError(f"the async action failed after writing total={written}")

    @action(method="POST")
    async def bump_in_a_thread(self) -> dict[str, int]:
        # The way that worked before: the entity API through sync_to_async.
        self.total += 1
        await sync_to_async(self.save)()
        return {"count": (await sync_to_async(Tally.get)(self.id)).total}  # type: ignore[union-attr]

    @action(method="POST")
    async def bump_both_ways(self) -> dict[str, Any]:
        # Both ways at once, and the Django ORM: one transaction.
        self.total += 1
        self.save()
        await Group.objects.acreate(name=f"tally {self.id}")
        counted = await sync_to_async(Tally.count)(Tally.total > 0)
        return {"counted": counted, "groups": await Group.objects.filter(
            name=f"tally {self.id}").acount()}  # fmt: skip

    @action(method="POST")
    async def fail_both_ways(self) -> None:
        self.total += 1
        self.save()
        await Group.objects.acreate(name=f"failed {self.id}")
        groups = await Group.objects.filter(name=f"failed {self.id}").acount()
        WRITTEN.append((self.total, groups))
        raise RuntimeError(f"the async action failed after writing {groups} group")

    @action(method="POST")
    async def increment(self) -> dict[str, int]:
        # An atomic UPDATE in SQL, from the coroutine.
        with session() as s:
            s.execute(update(Tally).where(col(Tally.id) == self.id).values(total=Tally.total + 1))
        return {"count": Tally.get(self.id).total}  # type: ignore[union-attr]

    @classmethod
    @action(method="POST")
    async def add(cls, label: str) -> dict[str, Any]:
        tally = cls.create(label=label)
        return {"id": tally.id, "labels": [t.label for t in cls.all()]}

    @classmethod
    @action(method="GET")
    async def nap(cls, seconds: float) -> dict[str, Any]:
        # Blocks the loop it runs on, as a sync database call does: its own loop only.
        time.sleep(seconds)
        return {"count": cls.count(), "thread": threading.current_thread().name}

    @classmethod
    @action(method="GET")
    async def wait(cls, seconds: float) -> dict[str, int]:
        LOOPS.append(asyncio.get_running_loop())
        await asyncio.sleep(seconds)
        return {"count": cls.count()}

    @classmethod
    @action(method="GET")
    async def gathered(cls) -> dict[str, list[int]]:
        # Concurrent tasks of one action, each reading.
        async def read(label: str) -> int:
            await asyncio.sleep(0.01)
            return cls.count(label=label)

        return {"counts": list(await asyncio.gather(read("a"), read("b"), read("zz")))}

    @classmethod
    @action(method="GET")
    async def stream_directly(cls) -> AsyncIterator[dict[str, int]]:
        # A stream runs after the action has returned: its entity calls need sync_to_async.
        yield {"count": cls.count()}

    @classmethod
    @action(method="GET")
    async def stream_through_a_thread(cls) -> AsyncIterator[dict[str, int]]:
        yield {"count": await sync_to_async(cls.count)()}

    @action(method="POST")
    async def announce(self) -> dict[str, Any]:
        # Nitro's counter example: change, save, then emit_async to the handlers.
        self.total += 1
        self.save()
        results = await emit_async("tally.announced", sender=self, by=1)
        return {"results": results}

    @action(method="POST")
    async def announce_in_sync(self) -> None:
        # The sync emit from a coroutine: async handlers are scheduled on its loop.
        emit("tally.announced", sender=self, by=2)


class Memo(Entity, table=True):
    """Changed by sync actions, for the lifecycle events."""

    admin = False
    id: int | None = Field(default=None, primary_key=True)
    text: str = ""

    @classmethod
    @action(method="POST")
    def write(cls, text: str) -> dict[str, Any]:
        return {"id": cls.create(text=text).id}

    @classmethod
    @action(method="POST")
    def write_then_fail(cls, text: str) -> None:
        cls.create(text=text)
        raise RuntimeError("the action failed after its write")

    @action(method="POST")
    def edit(self, text: str) -> None:
        self.text = text
        self.save()

    @action(method="DELETE")
    def discard(self) -> None:
        self.delete()


@on("tally.announced")
async def _heard_async(sender: Tally, **kwargs: Any) -> str:
    await asyncio.sleep(0)
    HEARD.append(("async", sender.id, kwargs))
    return "async"


@on("tally.announced")
def _heard_sync(sender: Tally, **kwargs: Any) -> str:
    HEARD.append(("sync", sender.id, kwargs, Tally.get(sender.id).total))  # type: ignore[union-attr]
    return "sync"
