"""Python components written with the RustyTags HTML API, rendered by Django as templates.

The safe tag API lives in :mod:`rustytags_backend.html`.
"""

from __future__ import annotations

__all__: list[str] = []
