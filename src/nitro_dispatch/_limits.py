"""Rate limits (``rate_limit=``) and reused answers (``cache_ttl=``) of actions, on Django's cache.

A rate limit counts requests in windows aligned on the clock: ``"10/minute"`` lets 10 requests
through from 12:00:00 to 12:00:59, then 10 more from 12:01:00. There is one count per action and
user; a signed-out request counts for its client address (``NITRO_DISPATCH["PROXY_COUNT"]`` says
how to find it behind proxies), an IPv6 address by its /64 network, which one subscriber holds
whole. Each request is counted with ``cache.add()`` then ``cache.incr()``, each atomic on the
locmem, Redis and Memcached caches, so requests arriving together never share a place.

A reused answer is kept per action, URL (query string included: Datastar's signals are there),
user, kind of client (Datastar or not) and language, for *cache_ttl* seconds from the first
request, and sent with ``Cache-Control: private, max-age=<seconds left>``.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import math
import re
import time
from typing import TYPE_CHECKING, Any, Final

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.checks import CheckMessage, Error, Warning, register
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language

from .conf import get_settings
from .responses import is_datastar

if TYPE_CHECKING:
    from .dispatcher import Route

__all__ = [
    "cache_messages",
    "cached_answer",
    "check_cache",
    "client_address",
    "keep_answer",
    "parse_rate",
    "retry_after",
]

_RATE: Final = re.compile(r"\s*([0-9]+)\s*(?:/|\s+per\s+)\s*([0-9]*)\s*([a-z]+)\s*", re.IGNORECASE)
_SECONDS: Final = {
    **dict.fromkeys(("s", "sec", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
}
# Caches whose incr() reads, then writes (or that keep nothing): see check_cache().
_UNCOUNTED: Final = {
    "django.core.cache.backends.db.DatabaseCache": "counts in two steps (a read, then a write), "
    "so requests arriving together can pass the limit",
    "django.core.cache.backends.filebased.FileBasedCache": "counts in two steps (a read, then a "
    "write), so requests arriving together can pass the limit",
    "django.core.cache.backends.dummy.DummyCache": "keeps nothing, so no limit is enforced",
}


def parse_rate(rate: object) -> tuple[int, int]:
    """``(requests, seconds)`` of a rate limit: ``"10/minute"``, ``"100/hour"``, ``"5/10s"``,
    ``"3 per day"``, or a number of requests per minute. Raise ValueError for anything else."""
    if isinstance(rate, int) and not isinstance(rate, bool) and rate >= 1:
        return rate, 60
    parsed = _parse_text(rate) if isinstance(rate, str) else None
    if parsed is None:
        raise ValueError(
            f"@action rate_limit={rate!r} is not a rate: write requests/period, as '10/minute', "
            "'100/hour' or '5/10s' (periods in s, m, h or d), or a number of requests per minute."
        )
    return parsed


@functools.cache
def _parse_text(rate: str) -> tuple[int, int] | None:
    found = _RATE.fullmatch(rate)
    if found is None:
        return None
    count, multiple, unit = found.groups()
    seconds = _SECONDS.get(unit.lower())
    every = int(multiple or 1)
    if seconds is None or int(count) < 1 or every < 1:
        return None
    return int(count), seconds * every


def client_address(request: HttpRequest) -> str:
    """The address a rate limit counts a signed-out *request* against.

    ``REMOTE_ADDR``, or with ``NITRO_DISPATCH["PROXY_COUNT"] = n``, the *n*-th address of
    ``X-Forwarded-For`` from its end: each of the *n* proxies appends the address it got the
    request from, so the client cannot choose that entry. An IPv6 address stands for its /64.
    """
    address = str(request.META.get("REMOTE_ADDR") or "")
    count = get_settings().PROXY_COUNT
    if count:
        header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
        forwarded = [part.strip() for part in header.split(",") if part.strip()]
        if len(forwarded) >= count:
            address = forwarded[-count]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _user(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


def _key(kind: str, *parts: object) -> str:
    # Hashed: URLs and user keys may be long or hold characters memcached refuses in keys.
    return f"nitro_dispatch:{kind}:{hashlib.sha256(repr(parts).encode()).hexdigest()}"


def _cache() -> BaseCache:
    return caches[get_settings().CACHE]


def retry_after(request: HttpRequest, route: Route) -> int | None:
    """Count *request* against the rate limit of *route*: None if it may go on, else the
    seconds until the window ends."""
    if route.metadata.rate_limit is None:
        return None
    allowed, period = parse_rate(route.metadata.rate_limit)
    now = time.time()
    window = int(now // period)
    left = math.ceil((window + 1) * period - now)
    user = _user(request)
    who = ("user", user) if user is not None else ("address", client_address(request))
    key = _key("rate", route.path, who, period, window)
    cache = _cache()
    cache.add(key, 0, left + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between the two calls, or a cache that keeps nothing
        cache.add(key, 1, left + 1)
        count = 1
    return left if count > allowed else None


def _answer_key(request: HttpRequest, route: Route) -> str:
    return _key("answer", route.path, request.build_absolute_uri(), _user(request),
                is_datastar(request), get_language())  # fmt: skip


def cached_answer(request: HttpRequest, route: Route) -> HttpResponseBase | None:
    """The answer kept for *request* to the cached action *route*, or None."""
    if route.metadata.cache_ttl is None:
        return None
    kept = _cache().get(_answer_key(request, route))
    if kept is None:
        return None
    expires: float = kept[0]
    response: HttpResponseBase = kept[1]
    # The max-age it was kept with, lowered to the seconds left.
    patch_cache_control(response, max_age=max(0, math.floor(expires - time.time())))
    return response


def keep_answer(request: HttpRequest, route: Route, response: HttpResponseBase) -> None:
    """Keep *response* for later requests like *request*, if *route* is cached and the answer
    can be reused: a success, not streamed, setting no cookie and not marked ``no-store``."""
    ttl = route.metadata.cache_ttl
    if ttl is None or not isinstance(response, HttpResponse) or response.cookies:
        return
    if not 200 <= response.status_code < 300 or "no-store" in response.get("Cache-Control", ""):
        return
    patch_cache_control(response, private=True, max_age=ttl)
    # add(): of answers computed at the same time, the first kept is the one every later
    # request gets, until it expires.
    _cache().add(_answer_key(request, route), (time.time() + ttl, response), ttl)


@register()
def check_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The cache of rate limits and cached answers: that it exists, and that it counts."""
    from .dispatcher import DjangoDispatcher, dispatchers

    try:
        routed = dispatchers() or [DjangoDispatcher()]
    except Exception:  # a broken URLconf: Django's own URL checks report it
        routed = [DjangoDispatcher()]
    return cache_messages([route for dispatcher in routed for route in dispatcher.routes()])


def cache_messages(routed: list[Route]) -> list[CheckMessage]:
    """What check_cache() says of the *routed* actions."""
    routes = {route.path: route for route in routed}
    limited = [path for path, route in routes.items() if route.metadata.rate_limit is not None]
    cached = [path for path, route in routes.items() if route.metadata.cache_ttl is not None]
    if not limited and not cached:
        return []
    alias = get_settings().CACHE
    if alias not in settings.CACHES:
        users = list(dict.fromkeys([*limited, *cached]))
        return [
            Error(
                f"NITRO_DISPATCH['CACHE'] is {alias!r}, which CACHES does not define; "
                f"{_some(users)} use{'s' if len(users) == 1 else ''} it.",
                hint=f"Add {alias!r} to CACHES, or set NITRO_DISPATCH['CACHE'] to one of: "
                f"{', '.join(settings.CACHES)}.",
                id="nitro_dispatch.E010",
            )
        ]
    backend = str(settings.CACHES[alias].get("BACKEND", ""))
    if not limited or backend not in _UNCOUNTED:
        return []
    return [
        Warning(
            f"{_some(limited)} {'has' if len(limited) == 1 else 'have'} a rate_limit, but "
            f"CACHES[{alias!r}] is {backend.rpartition('.')[2]}, which {_UNCOUNTED[backend]}.",
            hint="Count on a cache whose incr() is atomic: Redis "
            "(django.core.cache.backends.redis.RedisCache), Memcached, or LocMemCache (which "
            "counts per process).",
            id="nitro_dispatch.W010",
        )
    ]


def _some(paths: list[str]) -> str:
    if len(paths) == 1:
        return paths[0]
    return f"{paths[0]} and {len(paths) - 1} other action{'s' if len(paths) > 2 else ''}"
