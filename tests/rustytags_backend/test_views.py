"""Components rendered by views, seen through Django's test client."""

from __future__ import annotations

import sys
from pathlib import Path

from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.test import RequestFactory, SimpleTestCase
from django.views.debug import ExceptionReporter

from rustytags_backend import RustyTags
from tests.rustytags_backend.test_loader import TESTS, _tmpdir, write


class ViewTests(SimpleTestCase):
    def test_render_in_a_function_view(self):
        response = self.client.get("/hello/", {"name": "<Bo>"})
        assert response.content.decode() == "<p>Hello &lt;Bo&gt;!</p>"

    def test_template_response(self):
        response = self.client.get("/response/")
        assert response.content.decode() == "<p>Hello response!</p>"

    def test_template_view(self):
        response = self.client.get("/class-based/")
        assert response.content.decode() == "<p>Hello class-based!</p>"

    def test_detail_view_default_template_name(self):
        response = self.client.get("/items/7/")
        assert response.content.decode() == (
            '<article id="item-7"><h1>Seventh &lt;item&gt;</h1></article>'
        )

    def test_messages_context_processor(self):
        response = self.client.get("/message/")
        assert response.content.decode() == "<div>/message/<ul><li>Saved &lt;b&gt;</li></ul></div>"


class TestClientInstrumentationTests(SimpleTestCase):
    def test_assert_template_used(self):
        response = self.client.get("/hello/")
        self.assertTemplateUsed(response, "pages/hello.html")

    def test_assert_template_not_used(self):
        response = self.client.get("/hello/")
        self.assertTemplateNotUsed(response, "home.html")

    def test_response_templates(self):
        response = self.client.get("/hello/")
        assert [template.name for template in response.templates] == ["pages/hello.html"]

    def test_response_context(self):
        response = self.client.get("/hello/", {"name": "ctx"})
        assert response.context["name"] == "ctx"

    def test_response_context_keys_are_the_context_keys(self):
        response = self.client.get("/hello/")
        assert {"name", "request", "csrf_input", "csrf_token", "messages"} <= set(
            response.context.flatten()  # type: ignore[union-attr]
        )

    def test_class_based_view_template_is_recorded(self):
        response = self.client.get("/class-based/")
        self.assertTemplateUsed(response, "pages/hello.html")

    def test_django_page_including_a_component_records_both(self):
        response = self.client.get("/embed/")
        assert [template.name for template in response.templates] == [
            "testapp/embed.html",
            "pages/hello.html",
        ]


class ErrorPageTests(SimpleTestCase):
    def test_django_404_page_still_works_with_the_engine_first(self):
        response = self.client.get("/no/such/page/")
        assert (response.status_code, b"<h1>Not Found</h1>" in response.content) == (404, True)

    def test_debug_page_lists_what_the_engine_tried(self):
        request = RequestFactory().get("/")
        try:
            engines["rustytags_backend"].get_template("nothing/here.html")
        except TemplateDoesNotExist:
            html = ExceptionReporter(request, *sys.exc_info()).get_traceback_html()
        assert "Using engine <code>rustytags_backend</code>:" in html
        assert (
            "rustytags_backend.backend.RustyTags</code>: "
            f"{TESTS / 'testapp' / 'components' / 'nothing.py'} (Source does not exist)"
        ) in html

    def test_debug_page_shows_a_component_syntax_error_with_its_source(self):
        with _tmpdir() as directory:
            write(Path(directory), {"bad.py": "x = 1\ndef page(:\n"})
            rt = RustyTags({"NAME": "rt", "DIRS": [directory], "APP_DIRS": False, "OPTIONS": {}})
            try:
                rt.get_template("bad/page.html")
            except TemplateSyntaxError:
                html = ExceptionReporter(None, *sys.exc_info()).get_traceback_html()
        assert "Error during template rendering" in html
        assert "def page(:" in html
