"""Actions as a Nitro user writes them, for the port, rate-limit and cache tests."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from pydantic import BaseModel

from nitro_dispatch import Entity, action, delete, get, patch, post, put, remove, signals
from rustytags_backend.html import Li


class Point(BaseModel):
    x: int = 0
    y: int = 0


class Gadget(Entity, table=True):
    name: str = ""

    @get()
    def show(self) -> Gadget:
        return self

    @get()
    def nothing(self) -> None:
        return None

    @post(status_code=201)
    def rename(self, name: str) -> dict[str, str]:
        self.name = name
        self.save()
        return {"name": self.name}

    @put()
    def replace(self, name: str) -> Gadget:
        self.name = name
        self.save()
        return self

    @delete()
    def discard(self) -> None:
        self.delete()

    @delete(path="forget")
    def forget(self) -> dict[str, str]:
        self.delete()
        return {"deleted": self.id}

    @get(path="/gadgets/{id}/summary")
    def summary(self) -> dict[str, str]:
        return {"summary": f"{self.name} ({self.id})"}

    @classmethod
    @post(path="/gadgets/bulk/add")
    def bulk_add(cls, name: str) -> Gadget:
        return cls.create(name=name)

    @classmethod
    @get()
    def listed(cls) -> list[Gadget]:
        return cls.all()

    @classmethod
    @get()
    def points(cls) -> list[Point]:
        return [Point(x=1), Point(x=2, y=3)]

    @classmethod
    @get()
    def dicts(cls) -> list[dict[str, int]]:
        return [{"a": 1}, {"b": 2}]

    @classmethod
    @get()
    def empty(cls) -> list[Any]:
        return []

    @classmethod
    @get()
    def numbers(cls) -> tuple[int, int]:
        return (1, 2)

    @classmethod
    @get()
    def text(cls) -> str:
        return "<b>not markup</b>"

    @classmethod
    @get()
    def number(cls) -> int:
        return 5

    @classmethod
    @get()
    def day(cls) -> date:
        return date(2026, 12, 1)

    @classmethod
    @get()
    def nested(cls) -> dict[str, Any]:
        return {"gadgets": cls.all(), "origin": Point()}

    @classmethod
    @get()
    def empty_dict(cls) -> dict[str, Any]:
        return {}

    @classmethod
    @get()
    def patches_and_data(cls) -> list[Any]:
        return [patch(Li("one", id="one"), selector="#list", mode="append"), Point(x=1), None]

    @classmethod
    @get()
    def patch_and_number(cls) -> list[Any]:
        return [remove("#old"), 5]

    @classmethod
    @get()
    def own_signals(cls) -> Any:
        return signals(count=1, only_if_missing=True)

    @classmethod
    @get()
    def rusty(cls) -> Any:
        import rusty_tags

        return rusty_tags.Div("<script>alert(1)</script>")

    @classmethod
    @get()
    def rusty_in_a_list(cls) -> list[Any]:
        import rusty_tags

        return [rusty_tags.Div("x")]

    @classmethod
    @post()
    def boom(cls) -> None:
        raise RuntimeError("the secret detail")

    @classmethod
    @get()
    def wrong_call(cls) -> None:
        raise TypeError("len() takes exactly one argument")

    @classmethod
    @get()
    def missing_page(cls) -> None:
        raise Http404("No such page.")

    @post(requires_auth=True)
    def claim(self) -> dict[str, str]:
        return {"claimed": self.id}


class Quota(Entity, table=True):
    """Rate-limited actions."""

    @classmethod
    @get(rate_limit="2/minute")
    def ping(cls) -> dict[str, bool]:
        return {"pong": True}

    @classmethod
    @post(rate_limit=1)
    def poke(cls) -> dict[str, bool]:
        return {"poked": True}

    @classmethod
    @get(rate_limit="1/second")
    def flick(cls) -> dict[str, bool]:
        return {"flicked": True}

    @classmethod
    @action("GET", rate_limit="1/hour", login_required=True)
    def private(cls) -> dict[str, bool]:
        return {"private": True}


# The calls the cached actions have run (see Almanac), emptied by each test.
CALLS: list[str] = []


class Almanac(Entity, table=True):
    """Cached actions: each call is written down, so a reused answer shows as none."""

    day: str = ""

    @classmethod
    @get(cache_ttl=60)
    def today(cls, request: HttpRequest, q: str = "") -> dict[str, Any]:
        CALLS.append("today")
        user = request.user.get_username() if request.user.is_authenticated else ""
        return {"calls": len(CALLS), "user": user, "q": q}

    @classmethod
    @get(cache_ttl=1)
    def brief(cls) -> dict[str, int]:
        CALLS.append("brief")
        return {"calls": len(CALLS)}

    @get(cache_ttl=30)
    def entry(self) -> Almanac:
        CALLS.append("entry")
        return self

    @classmethod
    @get(cache_ttl=60)
    def failing(cls) -> None:
        CALLS.append("failing")
        raise Http404("Not today.")

    @classmethod
    @get(cache_ttl=60)
    def streamed(cls) -> Iterator[Any]:
        CALLS.append("streamed")
        yield signals(tick=1)

    @classmethod
    @get(cache_ttl=60)
    def with_cookie(cls) -> HttpResponse:
        CALLS.append("with_cookie")
        response = JsonResponse({"calls": len(CALLS)})
        response.set_cookie("seen", "1")
        return response

    @classmethod
    @get(cache_ttl=60)
    def not_stored(cls) -> HttpResponse:
        CALLS.append("not_stored")
        return JsonResponse({"calls": len(CALLS)}, headers={"Cache-Control": "no-store"})

    @classmethod
    @get(cache_ttl=60)
    def public(cls) -> HttpResponse:
        CALLS.append("public")
        return JsonResponse({"calls": len(CALLS)}, headers={"Cache-Control": "public, max-age=600"})
