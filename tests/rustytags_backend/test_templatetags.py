"""Components inside Django templates, and Django templates inside components."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import rusty_tags
from django.core.exceptions import ImproperlyConfigured
from django.template import (
    Context,
    Engine,
    Template,
    TemplateDoesNotExist,
    TemplateSyntaxError,
    engines,
)
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, SimpleTestCase, override_settings
from django.views.debug import ExceptionReporter

from rustytags_backend.html import Div

PORTED = Path(__file__).resolve().parent.parent / "ported_components" / "roots"
REFUSED = (
    "Cannot render the rusty_tags.core.HtmlString '<b>&</b>': rusty-tags escapes nothing, so "
    "user data in it would be live HTML. Port the code that built it: import the tags from "
    "rustytags_backend.html in place of rusty_tags or nitro (from rustytags_backend.html import "
    "Div, not from rusty_tags import Div or from nitro import Div), and rusty_tags.datastar from "
    "rustytags_backend.html.datastar."
)
DEBUG_SOURCE = (
    '{% load rustytags %}<main>\n{% component "pages/passthrough.html" value=raw %}</main>'
)


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


class RustyTagsOutputTests(SimpleTestCase):
    """A component's rusty-tags output is refused inside a template as at the engine."""

    def test_component_returning_rusty_tags_output_is_refused(self):
        template = Template(
            '{% load rustytags %}{% component "pages/passthrough.html" value=raw %}'
        )
        with pytest.raises(TypeError) as excinfo:
            template.render(Context({"raw": rusty_tags.B("&")}))
        assert str(excinfo.value) == REFUSED

    def test_refusal_keeps_the_template_position_for_the_debug_page(self):
        engine = Engine(
            debug=True, libraries={"rustytags": "rustytags_backend.templatetags.rustytags"}
        )
        template = engine.from_string(DEBUG_SOURCE)
        with pytest.raises(TypeError) as excinfo:
            template.render(Context({"raw": rusty_tags.B("&")}))
        debug = excinfo.value.template_debug  # type: ignore[attr-defined]
        assert (debug["line"], debug["during"], debug["message"]) == (
            2,
            '{% component "pages/passthrough.html" value=raw %}',
            REFUSED,
        )

    def test_debug_page_shows_the_template_position(self):
        engine = Engine(
            debug=True, libraries={"rustytags": "rustytags_backend.templatetags.rustytags"}
        )
        template = engine.from_string(DEBUG_SOURCE)
        try:
            template.render(Context({"raw": rusty_tags.B("&")}))
        except TypeError:
            data = ExceptionReporter(
                RequestFactory().get("/"), *sys.exc_info()
            ).get_traceback_data()
        assert data["template_info"]["during"] == (
            '{% component "pages/passthrough.html" value=raw %}'
        )

    def test_component_written_with_rusty_tags_is_refused(self):
        templates = [
            {"BACKEND": "rustytags_backend.RustyTags", "DIRS": [PORTED / "direct"]},
            {"BACKEND": "django.template.backends.django.DjangoTemplates"},
        ]
        with override_settings(TEMPLATES=templates):
            template = engines["django"].from_string(
                '{% load rustytags %}{% component "ported_direct/page.html" %}'
            )
            with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.core\."):
                template.render({"name": "<img src=x onerror=alert(1)>"})

    def test_component_name_must_be_a_str(self):
        template = Template("{% load rustytags %}{% component which %}")
        with pytest.raises(TypeError) as excinfo:
            template.render(Context({"which": rusty_tags.B("x")}))
        assert str(excinfo.value) == (
            "{% component %} takes a component name, a str such as 'app/name.html', not <b>x</b> "
            "('which' in the template)."
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
