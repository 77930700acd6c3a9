"""A ported helper that still calls an unported one."""

from __future__ import annotations

from rustytags_backend.html import H2, Div, HtmlString
from tests.ported_components.rusty_widgets import badge


def card(title: str) -> HtmlString:
    return Div(H2(title), badge("new"), cls="card")
