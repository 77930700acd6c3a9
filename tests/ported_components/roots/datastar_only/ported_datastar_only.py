from __future__ import annotations

from rusty_tags import datastar

from rustytags_backend import component
from rustytags_backend.html import Div, HtmlString
from tests.ported_components.datastar_widgets import counter


@component
def page() -> HtmlString:
    return Div(counter(), data_show=str(datastar.Signal("open", True)))
