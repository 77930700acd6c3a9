"""Page(): the safe document layout."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import django
import pytest
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.utils import translation

from rustytags_backend import Page
from rustytags_backend._html_string import HtmlString
from rustytags_backend.conf import get_settings
from rustytags_backend.html import H1, Link, P, Script
from rustytags_backend.layout import _error_messages
from tests.catalogs import write_catalog

DATASTAR = (
    '<script type="module" '
    'src="https://cdn.jsdelivr.net/gh/starfederation/datastar@v1.0.1/bundles/datastar.js">'
    "</script>"
)
MESSAGES = json.dumps(_error_messages()).replace('"', "&#34;")
HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'


def scripts_with_the_policys_nonce(response: Any) -> int:
    """How many elements of *response* carry the nonce its CSP header names."""
    [nonce] = re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return int(response.content.decode().count(f'nonce="{nonce}"'))


class PageTests(SimpleTestCase):
    def test_page_without_request(self):
        assert Page(P("hi"), title="A & B") == (
            f'<!doctype html><html lang="en-us"><head>{HEAD}<title>A &amp; B</title>{DATASTAR}'
            "</head><body><p>hi</p></body></html>"
        )

    def test_title_is_escaped(self):
        assert "<title>&lt;/title&gt;&lt;script&gt;</title>" in Page(title="</title><script>")

    def test_extra_head_content_and_body_attributes(self):
        page = Page(title="t", head=[Link(rel="stylesheet", href="/s.css")], cls="app", lang="fr")
        assert page == (
            f'<!doctype html><html lang="fr"><head>{HEAD}<title>t</title>'
            f'<link rel="stylesheet" href="/s.css">{DATASTAR}</head><body class="app"></body>'
            "</html>"
        )

    def test_lang_follows_the_active_language(self):
        with translation.override("de"):
            assert Page(title="t").startswith('<!doctype html><html lang="de">')

    def test_request_adds_the_csrf_token_error_messages_and_scripts(self):
        request = RequestFactory().get("/")
        get_token(request)
        page = Page(title="t", request=request, nonce="n0nce")
        assert re.fullmatch(
            f'<!doctype html><html lang="en-us"><head>{HEAD}<title>t</title>'
            '<meta name="csrf-token" content="[A-Za-z0-9]{64}">'
            '<meta name="csrf-header-name" content="X-CSRFTOKEN">'
            '<meta name="csrf-cookie-name" content="csrftoken">'
            f'<meta name="nitro-error-messages" content="{re.escape(MESSAGES)}">'
            '<script type="module" src="/static/rustytags_backend/csrf.js" nonce="n0nce">'
            "</script>"
            '<script type="module" src="/static/rustytags_backend/errors.js" nonce="n0nce">'
            "</script>"
            '<script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@'
            'v1.0.1/bundles/datastar.js" nonce="n0nce"></script></head><body></body></html>',
            page,
        )

    @override_settings(CSRF_COOKIE_HTTPONLY=True)
    def test_an_httponly_csrf_cookie_is_not_named(self):
        assert "csrf-cookie-name" not in Page(title="t", request=RequestFactory().get("/"))

    @override_settings(CSRF_USE_SESSIONS=True)
    def test_a_csrf_token_in_the_session_is_not_named_as_a_cookie(self):
        request = RequestFactory().get("/")
        request.session = SessionStore()
        assert "csrf-cookie-name" not in Page(title="t", request=request)

    @override_settings(CSRF_COOKIE_NAME="site_csrf")
    def test_csrf_cookie_name_follows_the_setting(self):
        page = Page(title="t", request=RequestFactory().get("/"))
        assert '<meta name="csrf-cookie-name" content="site_csrf">' in page

    def test_error_messages_are_in_the_active_language(self):
        with tempfile.TemporaryDirectory() as locale:
            write_catalog(
                Path(locale, "de", "LC_MESSAGES", "django.mo"),
                {"Too many requests. Wait a moment, then try again.": "Zu viele Anfragen."},
            )
            with override_settings(LOCALE_PATHS=[locale]), translation.override("de"):
                page = Page(title="t", request=RequestFactory().get("/"))
        assert "&#34;429&#34;: &#34;Zu viele Anfragen.&#34;" in page

    @pytest.mark.skipif(django.VERSION < (6, 0), reason="Django 6.0 brought its CSP middleware")
    @override_settings(SECURE_CSP={"script-src": ["'self'", "<CSP_NONCE_SENTINEL>"]})
    def test_scripts_get_the_nonce_of_djangos_csp_middleware(self):
        from django.middleware.csp import ContentSecurityPolicyMiddleware

        request = RequestFactory().get("/")
        middleware = ContentSecurityPolicyMiddleware(
            lambda request: HttpResponse(Page(title="t", request=request))
        )
        assert scripts_with_the_policys_nonce(middleware(request)) == 3

    def test_scripts_get_the_nonce_of_django_csp(self):
        from csp.constants import NONCE, SELF
        from csp.middleware import CSPMiddleware

        request = RequestFactory().get("/")
        with override_settings(
            CONTENT_SECURITY_POLICY={"DIRECTIVES": {"script-src": [SELF, NONCE]}}
        ):
            response = CSPMiddleware(
                lambda request: HttpResponse(Page(title="t", request=request))
            )(request)
        assert scripts_with_the_policys_nonce(response) == 3

    def test_without_a_csp_middleware_scripts_have_no_nonce(self):
        assert "nonce" not in Page(title="t", request=RequestFactory().get("/"))

    @override_settings(CSRF_HEADER_NAME="HTTP_X_MY_CSRF")
    def test_csrf_header_name_follows_the_setting(self):
        page = Page(title="t", request=RequestFactory().get("/"))
        assert '<meta name="csrf-header-name" content="X-MY-CSRF">' in page

    @override_settings(RUSTYTAGS={"DATASTAR_URL": None})
    def test_datastar_can_be_left_out(self):
        assert Page(title="t") == (
            f'<!doctype html><html lang="en-us"><head>{HEAD}<title>t</title></head><body>'
            "</body></html>"
        )

    @override_settings(
        RUSTYTAGS={"DATASTAR_URL": "/static/js/datastar.js", "DATASTAR_INTEGRITY": "sha384-x"}
    )
    def test_self_hosted_datastar_with_integrity(self):
        assert (
            '<script type="module" src="/static/js/datastar.js" integrity="sha384-x" '
            'crossorigin="anonymous"></script>'
        ) in Page(title="t")


class ClientUrlTests(SimpleTestCase):
    @override_settings(RUSTYTAGS={"DATASTAR_URL": "js/datastar.js"})
    def test_a_static_file_name_is_resolved_with_static(self):
        assert '<script type="module" src="/static/js/datastar.js"></script>' in Page(title="t")

    @override_settings(RUSTYTAGS={"DATASTAR_URL": "//cdn.example/datastar.js"})
    def test_a_scheme_relative_url_is_used_as_it_is(self):
        assert '<script type="module" src="//cdn.example/datastar.js"></script>' in Page(title="t")


class SettingsTests(SimpleTestCase):
    @override_settings(RUSTYTAGS={"DATASTAR_ULR": "x"})
    def test_unknown_key_is_refused(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            get_settings()
        assert str(excinfo.value) == (
            "Unknown keys in RUSTYTAGS: 'DATASTAR_ULR'. Valid keys: DATASTAR_URL, "
            "DATASTAR_INTEGRITY."
        )

    @override_settings(RUSTYTAGS=["DATASTAR_URL"])
    def test_setting_must_be_a_dict(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            get_settings()
        assert str(excinfo.value) == "RUSTYTAGS must be a dict, not ['DATASTAR_URL']."

    def test_override_is_undone(self):
        with override_settings(RUSTYTAGS={"DATASTAR_URL": "/x.js"}):
            assert get_settings().DATASTAR_URL == "/x.js"
        assert get_settings().DATASTAR_URL == (
            "https://cdn.jsdelivr.net/gh/starfederation/datastar@v1.0.1/bundles/datastar.js"
        )


class RustyTagsPageKeywordsTests(SimpleTestCase):
    """Page() takes rusty-tags' keywords, with their meaning there."""

    def test_title_defaults_to_rusty_tags(self):
        assert f"<title>RustyTags</title>{DATASTAR}</head>" in Page()

    def test_hdrs_is_head_content(self):
        page = Page(title="t", hdrs=(Link(rel="stylesheet", href="/s.css"),))
        assert f'<title>t</title><link rel="stylesheet" href="/s.css">{DATASTAR}</head>' in page

    def test_head_and_hdrs_together_are_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Page(title="t", head=[Link(rel="icon", href="/i.png")], hdrs=())
        assert str(excinfo.value) == (
            "Page() got both head= and hdrs=, which are the same thing (hdrs is RustyTags' "
            "name for it): pass the head content in one of them."
        )

    def test_ftrs_go_at_the_end_of_the_body(self):
        page = Page(P("hi"), title="t", ftrs=(Script(src="/app.js"),))
        assert page.endswith('<body><p>hi</p><script src="/app.js"></script></body></html>')

    def test_htmlkw_are_attributes_of_html(self):
        page = Page(title="t", htmlkw={"data_theme": "dark", "cls": "js"})
        assert page.startswith('<!doctype html><html lang="en-us" data-theme="dark" class="js">')

    def test_htmlkw_can_give_the_language(self):
        assert Page(title="t", htmlkw={"lang": "fr"}).startswith('<!doctype html><html lang="fr">')

    def test_lang_and_htmlkw_lang_together_are_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Page(title="t", lang="de", htmlkw={"lang": "fr"})
        assert str(excinfo.value) == (
            "Page() got lang='de' and htmlkw={'lang': 'fr'}: pass the language in one of them."
        )

    def test_bodykw_are_attributes_of_body(self):
        page = Page(title="t", bodykw={"cls": "app", "on_load": "$ready = true"}, id="top")
        assert '<body class="app" data-on:load="$ready = true" id="top"></body>' in page

    def test_datastar_false_leaves_the_client_out(self):
        assert Page(title="t", datastar=False) == (
            f'<!doctype html><html lang="en-us"><head>{HEAD}<title>t</title></head><body>'
            "</body></html>"
        )

    def test_datastar_false_keeps_the_csrf_scripts_for_a_client_of_ones_own(self):
        page = Page(title="t", request=RequestFactory().get("/"), datastar=False)
        assert (page.count("<script"), "rustytags_backend/csrf.js" in page) == (2, True)

    def test_ds_version_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            Page(title="t", ds_version="1.0.0")
        assert str(excinfo.value) == (
            "Page() cannot pick the Datastar version (ds_version='1.0.0'): the client is the "
            'one settings.RUSTYTAGS["DATASTAR_URL"] names. Set that to the URL or static path '
            "of the Datastar 1.0 build you want (self-hosted for production), and leave "
            "ds_version out."
        )

    def test_rusty_tags_documented_call(self):
        # rusty-tags' README: Page(content, title=..., hdrs=..., datastar=True)
        page = Page(
            H1("My Site"),
            title="Page Title",
            hdrs=(Link(rel="stylesheet", href="/app.css"),),
            ftrs=(Script(src="/app.js"),),
            htmlkw={"lang": "en"},
            bodykw={"cls": "body-class"},
            datastar=True,
        )
        assert page == (
            f'<!doctype html><html lang="en"><head>{HEAD}<title>Page Title</title>'
            f'<link rel="stylesheet" href="/app.css">{DATASTAR}</head><body class="body-class">'
            '<h1>My Site</h1><script src="/app.js"></script></body></html>'
        )

    def test_page_is_an_html_string(self):
        assert isinstance(Page(), HtmlString)
