"""Cache settings for the tests of rate limits and cached answers: locmem, and a real Redis."""

from __future__ import annotations

import importlib
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.cache import caches
from django.test import override_settings

REDIS_URL = os.environ.get("RUSTYTAGS_TEST_REDIS", "redis://127.0.0.1:6379/0")


def redis_caches() -> dict[str, Any]:
    """CACHES with a ``limits`` alias on Redis, whose keys no other run shares; or skip."""
    try:
        # Imported by name: the lint environment, where mypy runs, has no redis-py.
        redis: Any = importlib.import_module("redis")
    except ImportError:
        pytest.skip("redis-py is not installed: pip install -e '.[test]'")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}); .ci/run starts it.")
    finally:
        client.close()
    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # Never cleared (that would empty the whole Redis database): every key expires.
            "KEY_PREFIX": f"rustytags-tests-{uuid.uuid4().hex}",
        },
    }


def disconnect() -> None:
    """Close this thread's connections to the ``limits`` cache: Django's RedisCache leaves
    them to the garbage collector, which warns."""
    for pool in caches["limits"]._cache._pools.values():  # type: ignore[attr-defined]
        pool.disconnect()


@contextmanager
def on_redis() -> Iterator[None]:
    """Rate limits and cached answers on Redis (``NITRO_DISPATCH["CACHE"] = "limits"``)."""
    with override_settings(CACHES=redis_caches(), NITRO_DISPATCH={"CACHE": "limits"}):
        try:
            yield
        finally:
            disconnect()


def fresh_window(period: float, margin: float = 3.0) -> None:
    """Wait, if need be, so that the next *margin* seconds lie in one rate-limit window."""
    left = period - time.time() % period
    if left < margin:
        time.sleep(left + 0.05)
