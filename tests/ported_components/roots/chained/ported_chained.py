from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import HtmlString
from tests.ported_components.widgets import card


@component
def page(title: str = "t") -> HtmlString:
    return card(title)
