"""A safe page layout, in place of rusty-tags' Page."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.template.backends.utils import csrf_token_lazy
from django.templatetags.static import static
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from .conf import get_settings
from .html import Body, Head, Html, Meta, Script, Title

__all__ = ["CSRF_SCRIPT", "Page", "csrf_header_name"]

CSRF_SCRIPT = "rustytags_backend/csrf.js"


def csrf_header_name() -> str:
    """The HTTP header Django reads the CSRF token from (``X-CSRFTOKEN`` by default)."""
    return settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")


def Page(
    *content: object,
    title: str,
    request: HttpRequest | None = None,
    head: Iterable[object] = (),
    lang: str | None = None,
    nonce: str | None = None,
    **body_attributes: object,
) -> SafeString:
    """Render a whole HTML5 document around *content*.

    The head has ``<meta charset="utf-8">``, a viewport, the escaped *title*, *head*, and the
    Datastar client from ``settings.RUSTYTAGS["DATASTAR_URL"]`` (left out when that is None).
    With a *request*, it also carries the CSRF token and loads a small script that adds it, as
    Django's CSRF header, to Datastar's same-origin POST, PUT, PATCH and DELETE requests: CSRF
    protection stays on for actions. *lang* defaults to the active language; *nonce* is set on
    the scripts for a Content-Security-Policy; other keywords become ``<body>`` attributes.
    """
    conf = get_settings()
    scripts: list[SafeString] = []
    csrf: tuple[SafeString, ...] = ()
    if request is not None:
        csrf = (
            Meta(name="csrf-token", content=csrf_token_lazy(request)),
            Meta(name="csrf-header-name", content=csrf_header_name()),
        )
        scripts.append(Script(type="module", src=static(CSRF_SCRIPT), nonce=nonce))
    if conf.DATASTAR_URL is not None:
        integrity = conf.DATASTAR_INTEGRITY
        scripts.append(
            Script(
                type="module",
                src=conf.DATASTAR_URL,
                integrity=integrity,
                crossorigin="anonymous" if integrity else None,
                nonce=nonce,
            )
        )
    return Html(
        Head(
            Meta(charset="utf-8"),
            Meta(name="viewport", content="width=device-width, initial-scale=1"),
            Title(title),
            csrf,
            head,
            scripts,
        ),
        Body(*content, **body_attributes),
        lang=lang or get_language() or settings.LANGUAGE_CODE,
    )
