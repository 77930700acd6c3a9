"""Components inside Django templates, and Django templates inside components."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Template, TemplateDoesNotExist, TemplateSyntaxError, engines
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, SimpleTestCase, override_settings

from rustytags_backend.html import Div


class ComponentTagTests(SimpleTestCase):
    def test_component_tag_renders_with_its_arguments(self):
        template = Template(
            '{% load rustytags %}<main>{% component "pages/hello.html" name=who %}</main>'
        )
        assert (
            template.render(Context({"who": "<Ann>"})) == "<main><p>Hello &lt;Ann&gt;!</p></main>"
        )

    def test_component_sees_the_surrounding_context(self):
        template = Template('{% load rustytags %}{% component "pages/hello.html" %}')
        assert template.render(Context({"name": "outer"})) == "<p>Hello outer!</p>"

    def test_given_values_win_over_the_surrounding_context(self):
        template = Template('{% load rustytags %}{% component "pages/hello.html" name="given" %}')
        assert template.render(Context({"name": "outer"})) == "<p>Hello given!</p>"

    def test_only_passes_just_the_given_values(self):
        template = Template('{% load rustytags %}{% component "pages/everything.html" a=1 only %}')
        assert template.render(Context({"b": 2})) == "<ul><li>a=1</li></ul>"

    def test_component_name_from_a_variable(self):
        template = Template("{% load rustytags %}{% component which name='v' %}")
        assert template.render(Context({"which": "pages/hello.html"})) == "<p>Hello v!</p>"

    def test_component_gets_the_request_and_csrf_of_the_page(self):
        client = Client(enforce_csrf_checks=True)
        response = client.get("/embed-csrf/")
        html = response.content.decode()
        assert re.fullmatch(
            '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
            'value="[A-Za-z0-9]{64}"></form>\n',
            html,
        )
        token = html.split('value="')[1].split('"')[0]
        assert client.post("/hello/", {"csrfmiddlewaretoken": token}).status_code == 200

    def test_page_through_a_view(self):
        response = self.client.get("/embed/")
        assert response.content.decode() == "<main><p>Hello &lt;Ann&gt;!</p></main>\n"

    def test_missing_component_raises(self):
        template = Template('{% load rustytags %}{% component "nothing/here.html" %}')
        with pytest.raises(TemplateDoesNotExist):
            template.render(Context())

    def test_tag_needs_a_name(self):
        with pytest.raises(TemplateSyntaxError) as excinfo:
            Template("{% load rustytags %}{% component %}")
        assert str(excinfo.value) == (
            "'component' takes a component name: {% component \"app/name.html\" key=value ... %}."
        )

    def test_tag_refuses_positional_arguments(self):
        with pytest.raises(TemplateSyntaxError) as excinfo:
            Template('{% load rustytags %}{% component "pages/hello.html" name %}')
        assert str(excinfo.value) == (
            "'component' takes key=value arguments after the name, not 'name'."
        )

    @override_settings(TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}])
    def test_tag_without_a_rustytags_engine(self):
        template = engines["django"].from_string('{% load rustytags %}{% component "x.html" %}')
        with pytest.raises(ImproperlyConfigured) as excinfo:
            template.render({})
        assert str(excinfo.value) == (
            "{% component %} needs a RustyTags engine: add {'BACKEND': "
            "'rustytags_backend.RustyTags', 'APP_DIRS': True} to TEMPLATES."
        )


class IncludeTests(SimpleTestCase):
    def test_include_of_a_component_template_object(self):
        component = engines["rustytags_backend"].get_template("pages/hello.html")
        html = render_to_string("testapp/include.html", {"comp": component, "name": "inc"})
        assert html == "<section><p>Hello inc!</p></section>\n"

    def test_component_output_in_a_variable_is_not_escaped_again(self):
        html = render_to_string("testapp/variable.html", {"markup": Div("<x>")})
        assert html == "<section><div>&lt;x&gt;</div></section>\n"

    def test_component_embeds_a_django_template(self):
        html = render_to_string("pages/embeds_template.html", {"title": "<T>"})
        assert html == '<div id="outer"><div class="card">&lt;T&gt;</div>\n</div>'

    def test_component_embedding_a_template_passes_the_request(self):
        request = RequestFactory().get("/")
        html = render_to_string("pages/embeds_template.html", {"title": "t"}, request)
        assert html == '<div id="outer"><div class="card">t</div>\n</div>'
