"""A safe page layout, in place of rusty-tags' Page."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest
from django.template.backends.utils import csrf_token_lazy
from django.templatetags.static import static
from django.utils.safestring import SafeString
from django.utils.translation import get_language, gettext

from ._elements import element
from ._html_string import HtmlString
from .conf import get_settings

__all__ = ["CSRF_SCRIPT", "ERRORS_SCRIPT", "SCRIPTS", "Page", "csp_nonce", "csrf_header_name"]

CSRF_SCRIPT = "rustytags_backend/csrf.js"
ERRORS_SCRIPT = "rustytags_backend/errors.js"
# The static scripts Page(request=...) loads, in order, before the Datastar client.
SCRIPTS = (CSRF_SCRIPT, ERRORS_SCRIPT)

# The tag functions of rustytags_backend.html, made here: that package exports Page, so this
# module cannot import from it.
_body = element("body")
_head = element("head")
_html = element("html")
_meta = element("meta")
_script = element("script")
_title = element("title")


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
    title: str = "RustyTags",
    request: HttpRequest | None = None,
    head: Iterable[object] | None = None,
    lang: str | None = None,
    nonce: str | None = None,
    hdrs: Iterable[object] | None = None,
    ftrs: Iterable[object] | None = None,
    htmlkw: Mapping[str, object] | None = None,
    bodykw: Mapping[str, object] | None = None,
    datastar: bool = True,
    **body_attributes: object,
) -> HtmlString:
    """Render a whole HTML5 document around *content*.

    The head has ``<meta charset="utf-8">``, a viewport, the escaped *title*, *head*, and the
    Datastar client from ``settings.RUSTYTAGS["DATASTAR_URL"]``: a URL, a path, or the name of
    a static file (``"js/datastar.js"``, resolved with ``static()``); left out when None or
    with ``datastar=False``.

    With a *request*, it also carries the CSRF token and loads two small scripts: ``csrf.js``
    adds the token, as Django's CSRF header, to Datastar's same-origin POST, PUT, PATCH and
    DELETE requests (CSRF protection stays on for actions), and ``errors.js`` turns a Datastar
    request that fails outside an action (a refusal by a middleware, a proxy's 502, the network)
    into the ``_nitroError`` signal that actions' errors use, so the page can show it.

    Every script gets *nonce*, by default the request's Content-Security-Policy nonce (Django
    6's CSP middleware, or django-csp). *lang* defaults to the active language; other keywords
    become ``<body>`` attributes.

    RustyTags' keywords mean what they mean there: *hdrs* is head content (the same as
    *head*), *ftrs* goes at the end of the body, *htmlkw* and *bodykw* are attributes of
    ``<html>`` and ``<body>``, and ``datastar=False`` leaves the client out. RustyTags'
    ``ds_version=`` raises TypeError: the client comes from ``RUSTYTAGS["DATASTAR_URL"]``.
    """
    if "ds_version" in body_attributes:
        raise TypeError(
            f"Page() cannot pick the Datastar version (ds_version="
            f"{body_attributes['ds_version']!r}): the client is the one "
            'settings.RUSTYTAGS["DATASTAR_URL"] names. Set that to the URL or static path of '
            "the Datastar 1.0 build you want (self-hosted for production), and leave "
            "ds_version out."
        )
    if head is not None and hdrs is not None:
        raise TypeError(
            "Page() got both head= and hdrs=, which are the same thing (hdrs is RustyTags' "
            "name for it): pass the head content in one of them."
        )
    if lang is not None and htmlkw and "lang" in htmlkw:
        raise TypeError(
            f"Page() got lang={lang!r} and htmlkw={{'lang': {htmlkw['lang']!r}}}: pass the "
            "language in one of them."
        )
    # lang comes first among the <html> attributes, wherever it was given.
    html_attributes: dict[str, object] = {"lang": lang, **(htmlkw or {})}
    if not html_attributes["lang"]:
        html_attributes["lang"] = get_language() or settings.LANGUAGE_CODE
    conf = get_settings()
    nonce = nonce or csp_nonce(request)
    scripts: list[SafeString] = []
    metas: list[SafeString] = []
    if request is not None:
        cookie = _csrf_cookie_name()
        metas += [
            _meta(name="csrf-token", content=csrf_token_lazy(request)),
            _meta(name="csrf-header-name", content=csrf_header_name()),
            *([_meta(name="csrf-cookie-name", content=cookie)] if cookie else []),
            _meta(name="nitro-error-messages", content=json.dumps(_error_messages())),
        ]
        scripts += [_script(type="module", src=static(path), nonce=nonce) for path in SCRIPTS]
    if datastar and conf.DATASTAR_URL is not None:
        integrity = conf.DATASTAR_INTEGRITY
        scripts.append(
            _script(
                type="module",
                src=_client_url(conf.DATASTAR_URL),
                integrity=integrity,
                crossorigin="anonymous" if integrity else None,
                nonce=nonce,
            )
        )
    return _html(
        _head(
            _meta(charset="utf-8"),
            _meta(name="viewport", content="width=device-width, initial-scale=1"),
            _title(title),
            metas,
            head if head is not None else hdrs,
            scripts,
        ),
        _body(*content, *(ftrs or ()), **(bodykw or {}), **body_attributes),
        **html_attributes,
    )
