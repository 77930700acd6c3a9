"""Python components written with the RustyTags HTML API, rendered by Django as templates.

Configure the engine as ``{"BACKEND": "rustytags_backend.RustyTags", "APP_DIRS": True}`` in
``TEMPLATES``, mark component functions with :func:`component`, and write them with the safe
tags of :mod:`rustytags_backend.html`.
"""

from __future__ import annotations

from .backend import RustyTags as RustyTags
from .decorators import component as component
from .layout import Page as Page
from .layout import csp_nonce as csp_nonce
from .shortcuts import render_template as render_template
from .shortcuts import static as static
from .shortcuts import url as url

__all__ = ["Page", "RustyTags", "component", "csp_nonce", "render_template", "static", "url"]
