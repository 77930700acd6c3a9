"""The ``NITRO_DISPATCH`` setting: one dict, merged over the defaults below."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from rustytags_backend._settings import dict_setting

__all__ = ["NitroSettings", "get_settings"]


@dataclass(frozen=True)
class NitroSettings:
    """What ``settings.NITRO_DISPATCH`` may set."""

    # The DATABASES alias entities live in.
    DATABASE: str = "default"
    # Seconds between ": ping" comments on a streamed response, so proxies keep it open.
    HEARTBEAT: float = 15.0
    # The CACHES alias that counts rate_limit= requests and keeps cache_ttl= answers.
    CACHE: str = "default"
    # How many reverse proxies in front of Django append to X-Forwarded-For: the client of a
    # signed-out request (for rate limits) is the address that many entries from its end.
    # 0: the client is REMOTE_ADDR.
    PROXY_COUNT: int = 0

    def __post_init__(self) -> None:
        # What the settings hold may be of any type.
        alias: object = self.CACHE
        if not isinstance(alias, str):
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['CACHE'] must name an alias of CACHES, not {alias!r}."
            )
        count: object = self.PROXY_COUNT
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['PROXY_COUNT'] must be the number of proxies in front of "
                f"Django (0 or more), not {count!r}."
            )


get_settings = dict_setting("NITRO_DISPATCH", NitroSettings)
