"""One dict setting merged over a dataclass of defaults (shared by both packages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from functools import cache
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

T = TypeVar("T")


def dict_setting(name: str, defaults: type[T]) -> Callable[[], T]:
    """Return a cached getter for ``settings.<name>`` (a dict) over the dataclass *defaults*.

    Unknown keys raise ImproperlyConfigured naming them; ``override_settings`` resets the cache.
    """

    @cache
    def get() -> T:
        given: Any = getattr(settings, name, {})
        if not isinstance(given, dict):
            raise ImproperlyConfigured(f"{name} must be a dict, not {given!r}.")
        known = [field.name for field in fields(defaults)]  # type: ignore[arg-type]
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise ImproperlyConfigured(
                f"Unknown keys in {name}: {', '.join(map(repr, unknown))}. "
                f"Valid keys: {', '.join(known)}."
            )
        return defaults(**given)

    def reset(*, setting: str, **kwargs: Any) -> None:
        if setting == name:
            get.cache_clear()

    setting_changed.connect(reset, weak=False)
    return get
