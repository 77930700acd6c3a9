"""The ``NITRO_DISPATCH`` setting: one dict, merged over the defaults below."""

from __future__ import annotations

from dataclasses import dataclass

from rustytags_backend._settings import dict_setting

__all__ = ["NitroSettings", "get_settings"]


@dataclass(frozen=True)
class NitroSettings:
    """What ``settings.NITRO_DISPATCH`` may set."""

    # The DATABASES alias entities live in.
    DATABASE: str = "default"
    # Seconds between ": ping" comments on a streamed response, so proxies keep it open.
    HEARTBEAT: float = 15.0


get_settings = dict_setting("NITRO_DISPATCH", NitroSettings)
