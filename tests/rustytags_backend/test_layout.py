"""Page(): the safe document layout."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import get_token
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.utils import translation

from rustytags_backend import Page
from rustytags_backend.conf import get_settings
from rustytags_backend.html import Link, P

DATASTAR = (
    '<script type="module" '
    'src="https://cdn.jsdelivr.net/gh/starfederation/datastar@v1.0.1/bundles/datastar.js">'
    "</script>"
)
HEAD = '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'


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

    def test_request_adds_the_csrf_token_and_script(self):
        request = RequestFactory().get("/")
        get_token(request)
        page = Page(title="t", request=request, nonce="n0nce")
        assert re.fullmatch(
            f'<!doctype html><html lang="en-us"><head>{HEAD}<title>t</title>'
            '<meta name="csrf-token" content="[A-Za-z0-9]{64}">'
            '<meta name="csrf-header-name" content="X-CSRFTOKEN">'
            '<script type="module" src="/static/rustytags_backend/csrf.js" nonce="n0nce">'
            "</script>"
            '<script type="module" src="https://cdn.jsdelivr.net/gh/starfederation/datastar@'
            'v1.0.1/bundles/datastar.js" nonce="n0nce"></script></head><body></body></html>',
            page,
        )

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
