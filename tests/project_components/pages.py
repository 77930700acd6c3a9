"""A project-level components directory (DIRS): it overrides the apps' components."""

from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import P


@component
def hello(name: str) -> str:
    return P("Project hello ", name)
