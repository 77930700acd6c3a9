"""Helpers for components: Django templates, static files and URLs from Python."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.templatetags.static import static  # re-exported: Django's own
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

__all__ = ["render_template", "static", "url"]


def render_template(
    template_name: str | list[str] | tuple[str, ...],
    context: Mapping[str, Any] | None = None,
    request: HttpRequest | None = None,
    using: str | None = None,
) -> SafeString:
    """Render a template of any engine and return it as markup a component can include.

    ``Div(render_template("includes/card.html", {"user": user}, request))``: the template's
    own escaping applies to its variables, and its output is inserted as it is.
    """
    return mark_safe(render_to_string(template_name, dict(context or {}), request, using))


def url(viewname: str, *args: Any, **kwargs: Any) -> str:
    """``reverse()`` with positional or keyword URL arguments: ``url("todo", pk=3)``."""
    return reverse(viewname, args=args or None, kwargs=kwargs or None)
