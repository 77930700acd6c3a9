from __future__ import annotations

from rusty_tags import Div

from rustytags_backend import component


@component
def page(name: str = "<b>Ann</b>") -> object:
    return Div(name)
