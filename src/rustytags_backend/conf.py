"""The ``RUSTYTAGS`` setting: one dict, merged over the defaults below."""

from __future__ import annotations

from dataclasses import dataclass

from ._settings import dict_setting

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


get_settings = dict_setting("RUSTYTAGS", RustyTagsSettings)
