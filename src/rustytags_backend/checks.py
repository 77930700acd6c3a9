"""System checks for RustyTags engines, run by ``manage.py check`` and at server start."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from django.apps import apps
from django.contrib.staticfiles import finders
from django.core.checks import CheckMessage, Error, Warning

from ._imports import Unescaped, unescaped_imports
from .layout import CSRF_SCRIPT, ERRORS_SCRIPT, SCRIPTS
from .loader import Found, Root, Scan

if TYPE_CHECKING:
    from .backend import RustyTags

__all__ = ["check_engine"]


def check_engine(engine: RustyTags) -> list[CheckMessage]:
    """Check one engine: every components root is imported to see what it declares."""
    scans = [(root, engine.loader.scan(root)) for root in engine.loader.roots]
    return [
        *_check_duplicate_names(engine, scans),
        *_check_unescaped_imports(engine, scans),
        *_check_broken_modules(engine, scans),
        *_check_scripts(engine),
    ]


def _check_duplicate_names(
    engine: RustyTags, scans: Sequence[tuple[Root, Scan]]
) -> Iterator[CheckMessage]:
    for root, scan in scans:
        claimed: dict[str, Found] = {}
        for name, found in scan.claims:
            first = claimed.setdefault(name, found)
            if first.spec.function is not found.spec.function:
                yield Error(
                    f"Two components in {root.package} claim the name {name!r}: "
                    f"{first.spec.path} and {found.spec.path}.",
                    hint="Rename one of them, or remove the name from its @component(...).",
                    obj=engine,
                    id="rustytags_backend.E001",
                )


def _check_unescaped_imports(
    engine: RustyTags, scans: Sequence[tuple[Root, Scan]]
) -> Iterator[CheckMessage]:
    starts = sorted(
        {(found.spec.function.__module__, found.filename) for _, scan in scans
         for _, found in scan.claims}
    )  # fmt: skip
    for found, chain in unescaped_imports(starts):
        yield Warning(_unescaped_message(found, chain), hint=found.hint, obj=engine,
                      id="rustytags_backend.W001")  # fmt: skip


def _unescaped_message(found: Unescaped, chain: tuple[str, ...]) -> str:
    where = f"{chain[-1]}, line {found.line}"
    if len(chain) == 1:
        reached = f"Component module {where}"
    else:
        imports = "".join(f"{filename}, which imports " for filename in chain[1:-1])
        reached = f"{where} (component module {chain[0]} imports {imports}it)"
    return (
        f"{reached}: {found.statement!r} {found.what}; rusty-tags escapes nothing, so text "
        "and attribute values in its tags are not escaped, and the engine refuses to render "
        "its output."
    )


def _check_broken_modules(
    engine: RustyTags, scans: Sequence[tuple[Root, Scan]]
) -> Iterator[CheckMessage]:
    for _, scan in scans:
        for broken in scan.broken:
            yield Error(
                f"Component module {broken.filename} cannot be imported: {broken.error} "
                f"({broken.location}).",
                hint="Fix the error. Until then the engine serves the other components and "
                "lists this module among the places tried when a name is not found; asking "
                "for a component of this module raises the error.",
                obj=engine,
                id="rustytags_backend.E002",
            )


# What a page built by Page(request=...) loses when one of its scripts is a 404.
_WITHOUT: Final = {
    CSRF_SCRIPT: "Django's CSRF protection refuses the page's Datastar POST, PUT, PATCH and "
    "DELETE requests",
    ERRORS_SCRIPT: "a Datastar request that fails outside an action (a middleware's refusal, "
    "a proxy's error, the network) shows nothing",
}


def _check_scripts(engine: RustyTags) -> Iterator[CheckMessage]:
    # Without the staticfiles app nothing finds, collects or serves static files: STATIC_URL
    # is served by other means, which a check cannot see.
    if not apps.is_installed("django.contrib.staticfiles"):
        return
    for script in SCRIPTS:
        if finders.find(script):
            continue
        yield Error(
            f"The static file {script} is not found by the staticfiles finders. Page("
            f"request=...) links it: the page gets a 404 for it, and {_WITHOUT[script]}.",
            hint=_script_hint(script),
            obj=engine,
            id="rustytags_backend.E003",
        )


def _script_hint(script: str) -> str:
    if not apps.is_installed("rustytags_backend"):
        return "Add 'rustytags_backend' to INSTALLED_APPS: the script is in its static folder."
    if not any(
        isinstance(finder, finders.AppDirectoriesFinder) for finder in finders.get_finders()
    ):
        return (
            "Add 'django.contrib.staticfiles.finders.AppDirectoriesFinder' to "
            "STATICFILES_FINDERS, or copy the script into a folder of STATICFILES_DIRS."
        )
    path = Path(apps.get_app_config("rustytags_backend").path, "static", script)
    return f"Reinstall django-rustytags: {path} is missing from the installed package."
