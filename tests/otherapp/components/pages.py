"""An app later in INSTALLED_APPS: its names are shadowed by earlier apps'."""

from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import P


@component
def hello(name: str) -> str:
    return P("Other hello ", name)


@component
def only_here() -> str:
    return P("only in otherapp")
