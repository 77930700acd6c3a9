"""Components rendered by views, seen through Django's test client."""

from __future__ import annotations

from django.test import SimpleTestCase


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
