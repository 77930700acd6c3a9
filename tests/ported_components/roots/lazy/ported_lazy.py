from __future__ import annotations

from rustytags_backend import component


@component
def page() -> object:
    from tests.ported_components.never_imported import note

    return note()
