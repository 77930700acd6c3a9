"""System checks for RustyTags engines, run by ``manage.py check`` and at server start."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.checks import CheckMessage, Error, Warning

from .loader import Found

if TYPE_CHECKING:
    from .backend import RustyTags

__all__ = ["check_engine"]


def check_engine(engine: RustyTags) -> list[CheckMessage]:
    """Check one engine: every components root is imported to see what it declares."""
    return [*_check_duplicate_names(engine), *_check_unescaped_imports(engine)]


def _check_duplicate_names(engine: RustyTags) -> Iterator[CheckMessage]:
    for root in engine.loader.roots:
        claimed: dict[str, Found] = {}
        for name, found in engine.loader.claims(root):
            first = claimed.setdefault(name, found)
            if first.spec.function is not found.spec.function:
                yield Error(
                    f"Two components in {root.package} claim the name {name!r}: "
                    f"{first.spec.path} and {found.spec.path}.",
                    hint="Rename one of them, or remove the name from its @component(...).",
                    obj=engine,
                    id="rustytags_backend.E001",
                )


def _imports_rusty_tags(filename: str) -> bool:
    tree = ast.parse(Path(filename).read_text(), filename)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(alias.name.split(".")[0] == "rusty_tags" for alias in node.names):
                return True
        elif (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and (node.module or "").split(".")[0] == "rusty_tags"
        ):
            return True
    return False


def _check_unescaped_imports(engine: RustyTags) -> Iterator[CheckMessage]:
    # The discovery behind the names (cached on each root) already found every component module.
    filenames = {
        found.filename
        for root in engine.loader.roots
        for found in engine.loader.names(root).values()
    }
    for filename in sorted(filenames):
        if _imports_rusty_tags(filename):
            yield Warning(
                f"Component module {filename} imports from rusty_tags directly; "
                "rusty-tags escapes nothing, so text and attribute values in its tags are "
                "not escaped.",
                hint="Import tags from rustytags_backend.html instead.",
                obj=engine,
                id="rustytags_backend.W001",
            )
