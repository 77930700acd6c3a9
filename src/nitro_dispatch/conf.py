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
    # Where live updates travel between processes: "memory" (this process only: runserver,
    # tests), a Redis URL ("redis://127.0.0.1:6379/0"), or "postgres" (LISTEN/NOTIFY on the
    # DATABASE alias; "postgres:<alias>" for another).
    BROKER: str = "memory"
    # Messages kept per topic for replay to a stream that reconnects (older gaps: a snapshot).
    LIVE_LOG: int = 1000
    # Events a stream may have waiting for its client; past that it is resynced (a snapshot).
    LIVE_QUEUE: int = 64
    # Seconds: changes to a topic within this window are rendered once, for every viewer.
    LIVE_THROTTLE: float = 0.05
    # Gzip streams for clients that accept it.
    COMPRESS_STREAMS: bool = True

    def __post_init__(self) -> None:
        # What the settings hold may be of any type.
        alias: object = self.CACHE
        if not isinstance(alias, str):
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['CACHE'] must name an alias of CACHES, not {alias!r}."
            )
        broker: object = self.BROKER
        if not isinstance(broker, str) or not (
            broker in ("memory", "postgres")
            or broker.startswith(("postgres:", "redis://", "rediss://", "unix://"))
        ):
            raise ImproperlyConfigured(
                'NITRO_DISPATCH[\'BROKER\'] must be "memory", "postgres" (or '
                f'"postgres:<alias>") or a Redis URL such as "redis://127.0.0.1:6379/0", not '
                f"{broker!r}."
            )
        for name in ("LIVE_LOG", "LIVE_QUEUE"):
            size: object = getattr(self, name)
            if isinstance(size, bool) or not isinstance(size, int) or size < 1:
                raise ImproperlyConfigured(
                    f"NITRO_DISPATCH[{name!r}] must be a whole number of messages (1 or more), "
                    f"not {size!r}."
                )
        throttle: object = self.LIVE_THROTTLE
        if isinstance(throttle, bool) or not isinstance(throttle, int | float) or throttle < 0:
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['LIVE_THROTTLE'] must be a number of seconds (0 or more), not "
                f"{throttle!r}."
            )
        compress: object = self.COMPRESS_STREAMS
        if not isinstance(compress, bool):
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['COMPRESS_STREAMS'] must be True or False, not {compress!r}."
            )
        count: object = self.PROXY_COUNT
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ImproperlyConfigured(
                f"NITRO_DISPATCH['PROXY_COUNT'] must be the number of proxies in front of "
                f"Django (0 or more), not {count!r}."
            )


get_settings = dict_setting("NITRO_DISPATCH", NitroSettings)
