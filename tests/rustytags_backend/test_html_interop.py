"""Output of rustytags_backend.html in Django and Jinja2: markup, never escaped twice."""

from __future__ import annotations

import pickle

import jinja2
import markupsafe
from django.http import HttpResponse
from django.template import Context, Template
from django.test import SimpleTestCase
from django.utils.html import conditional_escape, format_html

from rustytags_backend.html import B, Div


class DjangoTemplateTests(SimpleTestCase):
    def test_variable_is_not_escaped_again(self):
        template = Template("<p>{{ x }}</p>")
        assert template.render(Context({"x": Div("<&>")})) == "<p><div>&lt;&amp;&gt;</div></p>"

    def test_safe_aware_filter_keeps_it_markup(self):
        template = Template("{{ x|default:'none' }}")
        assert template.render(Context({"x": B("<")})) == "<b>&lt;</b>"

    def test_escape_filter_still_escapes_on_request(self):
        template = Template("{{ x|force_escape }}")
        assert template.render(Context({"x": B("a")})) == "&lt;b&gt;a&lt;/b&gt;"


class DjangoUtilsTests(SimpleTestCase):
    def test_conditional_escape_leaves_it_alone(self):
        element = Div("<")
        assert conditional_escape(element) is element

    def test_format_html_inserts_it_as_is(self):
        assert format_html("<li>{}</li>", B("<")) == "<li><b>&lt;</b></li>"

    def test_http_response_body(self):
        assert HttpResponse(Div("é<")).content == "<div>é&lt;</div>".encode()

    def test_pickle_round_trip_keeps_it_markup(self):
        element = Div("x")
        restored = pickle.loads(pickle.dumps(element, pickle.HIGHEST_PROTOCOL))
        assert (restored, type(restored)) == (element, type(element))


class Jinja2Tests(SimpleTestCase):
    def test_autoescaped_variable_is_not_escaped_again(self):
        template = jinja2.Environment(autoescape=True).from_string("<p>{{ x }}</p>")
        assert template.render(x=Div("<&>")) == "<p><div>&lt;&amp;&gt;</div></p>"

    def test_markupsafe_escape_leaves_it_alone(self):
        assert markupsafe.escape(B("x")) == markupsafe.Markup("<b>x</b>")
