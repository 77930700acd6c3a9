"""Entity actions as Django views answering with Datastar patches (not yet implemented).

This package is part of the django-rustytags distribution; its API arrives in a later release.
"""

from __future__ import annotations

__all__: list[str] = []
