"""Helpers for components: url(), static(), render_template()."""

from __future__ import annotations

from django.test import RequestFactory, SimpleTestCase, override_settings
from django.utils.safestring import SafeString

from rustytags_backend import render_template, static, url
from rustytags_backend.html import A

JINJA2 = {"BACKEND": "django.template.backends.jinja2.Jinja2", "APP_DIRS": True}


class UrlTests(SimpleTestCase):
    def test_url_with_keyword_arguments(self):
        assert url("item", pk=3) == "/items/3/"

    def test_url_with_positional_arguments(self):
        assert url("item", 4) == "/items/4/"

    def test_url_without_arguments(self):
        assert url("hello") == "/hello/"

    def test_url_in_an_attribute(self):
        assert A("item", href=url("item", pk=5)) == '<a href="/items/5/">item</a>'


class StaticTests(SimpleTestCase):
    def test_static_is_djangos(self):
        assert static("css/site.css") == "/static/css/site.css"


class RenderTemplateTests(SimpleTestCase):
    def test_django_template_output_is_markup(self):
        html = render_template("testapp/card.html", {"title": "<T>"})
        assert (html, type(html)) == ('<div class="card">&lt;T&gt;</div>\n', SafeString)

    def test_component_by_name(self):
        assert render_template("pages/hello.html", {"name": "x"}) == "<p>Hello x!</p>"

    def test_with_request(self):
        html = render_template("pages/with_request.html", request=RequestFactory().get("/r"))
        assert html == "<div>/r<ul></ul></div>"

    def test_list_of_names(self):
        assert render_template(["missing.html", "home.html"]) == "<h1>Home</h1>"

    @override_settings(TEMPLATES=[JINJA2])
    def test_jinja2_output_is_markup(self):
        html = render_template("testapp/bold.html", {"x": "<"})
        assert (html, type(html)) == ("<b>&lt;</b>", SafeString)
