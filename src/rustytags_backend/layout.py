"""A safe page layout, in place of rusty-tags' Page."""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest
from django.template.backends.utils import csrf_token_lazy
from django.templatetags.static import static
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from .conf import get_settings
from .html import Body, Head, Html, Meta, Script, Title

__all__ = ["CSRF_SCRIPT", "ERRORS_SCRIPT", "SCRIPTS", "Page", "csp_nonce", "csrf_header_name"]

CSRF_SCRIPT = "rustytags_backend/csrf.js"
ERRORS_SCRIPT = "rustytags_backend/errors.js"
# The static scripts Page(request=...) loads, in order, before the Datastar client.
SCRIPTS = (CSRF_SCRIPT, ERRORS_SCRIPT)


def csrf_header_name() -> str:
    """The HTTP header Django reads the CSRF token from (``X-CSRFTOKEN`` by default)."""
    return settings.CSRF_HEADER_NAME.removeprefix("HTTP_").replace("_", "-")


def csp_nonce(request: HttpRequest | None) -> str | None:
    """The request's Content-Security-Policy nonce, if a CSP middleware gave it one.

    Django 6's ``ContentSecurityPolicyMiddleware`` keeps it as ``request._csp_nonce``, django-csp
    as ``request.csp_nonce``; reading it makes the middleware put it in the policy.
    """
    for name in ("_csp_nonce", "csp_nonce"):
        # Both are lazy, and false until read: test for presence, not truth.
        if (nonce := getattr(request, name, None)) is not None:
            return str(nonce)
    return None


def _error_messages() -> dict[str, str]:
    """What errors.js shows, in the active language, when a Datastar request fails outside an
    action: by HTTP status (``{status}`` is replaced by it), or when the server is unreachable."""
    return {
        "401": gettext("You are signed out. Reload the page and sign in again."),
        "403": gettext(
            "The server refused this request. If you signed in or out in another tab, reload "
            "the page and try again."
        ),
        "404": gettext("The server could not find what this page asked for. Reload the page."),
        "413": gettext("The request is too large for the server."),
        "429": gettext("Too many requests. Wait a moment, then try again."),
        "4xx": gettext(
            "The server refused this request ({status}). Reload the page and try again."
        ),
        "5xx": gettext("The server could not answer ({status}). Try again in a moment."),
        "retrying": gettext("The server cannot be reached. Retrying…"),
        "unreachable": gettext(
            "The server cannot be reached. Check your connection, then reload the page."
        ),
    }


def _csrf_cookie_name() -> str | None:
    # Django's own advice for scripts: read the token from the cookie, which follows a rotation
    # (a login in another tab) at once; unless scripts cannot read it.
    if settings.CSRF_USE_SESSIONS or settings.CSRF_COOKIE_HTTPONLY:
        return None
    return str(settings.CSRF_COOKIE_NAME)


def _client_url(url: str) -> str:
    # A URL or a path is used as it is; anything else names a static file.
    return url if "://" in url or url.startswith("/") else static(url)


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
    Datastar client from ``settings.RUSTYTAGS["DATASTAR_URL"]``: a URL, a path, or the name of
    a static file (``"js/datastar.js"``, resolved with ``static()``); left out when None.

    With a *request*, it also carries the CSRF token and loads two small scripts: ``csrf.js``
    adds the token, as Django's CSRF header, to Datastar's same-origin POST, PUT, PATCH and
    DELETE requests (CSRF protection stays on for actions), and ``errors.js`` turns a Datastar
    request that fails outside an action (a refusal by a middleware, a proxy's 502, the network)
    into the ``_nitroError`` signal that actions' errors use, so the page can show it.

    Every script gets *nonce*, by default the request's Content-Security-Policy nonce (Django
    6's CSP middleware, or django-csp). *lang* defaults to the active language; other keywords
    become ``<body>`` attributes.
    """
    conf = get_settings()
    nonce = nonce or csp_nonce(request)
    scripts: list[SafeString] = []
    metas: list[SafeString] = []
    if request is not None:
        cookie = _csrf_cookie_name()
        metas += [
            Meta(name="csrf-token", content=csrf_token_lazy(request)),
            Meta(name="csrf-header-name", content=csrf_header_name()),
            *([Meta(name="csrf-cookie-name", content=cookie)] if cookie else []),
            Meta(name="nitro-error-messages", content=json.dumps(_error_messages())),
        ]
        scripts += [Script(type="module", src=static(path), nonce=nonce) for path in SCRIPTS]
    if conf.DATASTAR_URL is not None:
        integrity = conf.DATASTAR_INTEGRITY
        scripts.append(
            Script(
                type="module",
                src=_client_url(conf.DATASTAR_URL),
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
            metas,
            head,
            scripts,
        ),
        Body(*content, **body_attributes),
        lang=lang or get_language() or settings.LANGUAGE_CODE,
    )
