"""Imported only inside a component that no test renders: W001 reads it without importing it."""

from __future__ import annotations

from rusty_tags import P


def note() -> object:
    return P("note")
