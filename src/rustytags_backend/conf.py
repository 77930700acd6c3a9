"""The ``RUSTYTAGS`` setting: one dict, merged over the defaults below."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed

__all__ = ["RustyTagsSettings", "get_settings"]


@dataclass(frozen=True)
class RustyTagsSettings:
    """What ``settings.RUSTYTAGS`` may set."""

    # The Datastar 1.0 client loaded by Page(); None leaves it out. Self-host it for production
    # (e.g. static("js/datastar.js")) and set DATASTAR_INTEGRITY for a CDN.
    DATASTAR_URL: str | None = (
        "https://cdn.jsdelivr.net/gh/starfederation/datastar@v1.0.1/bundles/datastar.js"
    )
    DATASTAR_INTEGRITY: str | None = None


@cache
def get_settings() -> RustyTagsSettings:
    """Return the ``RUSTYTAGS`` setting over the defaults (cached; reset by override_settings)."""
    given: Any = getattr(settings, "RUSTYTAGS", {})
    if not isinstance(given, dict):
        raise ImproperlyConfigured(f"RUSTYTAGS must be a dict, not {given!r}.")
    known = [field.name for field in fields(RustyTagsSettings)]
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise ImproperlyConfigured(
            f"Unknown keys in RUSTYTAGS: {', '.join(map(repr, unknown))}. "
            f"Valid keys: {', '.join(known)}."
        )
    return RustyTagsSettings(**given)


def _reset(*, setting: str, **kwargs: Any) -> None:
    if setting == "RUSTYTAGS":
        get_settings.cache_clear()


setting_changed.connect(_reset)
