"""Restart runserver when a components package changes, new modules included.

Django's autoreloader watches the files of imported modules, so editing a component restarts
the server anyway; watching the roots also catches a component module added after a lookup
missed (a miss is cached until the next start).
"""

from __future__ import annotations

from typing import Any

from django.utils.autoreload import BaseReloader

__all__ = ["watch_components"]


def watch_components(sender: BaseReloader, **kwargs: Any) -> None:
    """Watch the ``.py`` files of every RustyTags engine's components roots."""
    from django.template import engines

    from .backend import RustyTags

    for engine in engines.all():
        if isinstance(engine, RustyTags):
            for root in engine.loader.roots:
                sender.watch_dir(root.path, "**/*.py")
