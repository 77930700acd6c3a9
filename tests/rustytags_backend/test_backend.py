"""The RustyTags engine against Django's template-backend contract."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import rusty_tags
import rusty_tags.datastar
from django.core.exceptions import ImproperlyConfigured
from django.middleware.csrf import _unmask_cipher_token, get_token  # type: ignore[attr-defined]
from django.template import Context, RequestContext, TemplateDoesNotExist, engines
from django.template.loader import get_template, render_to_string, select_template
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.test.signals import template_rendered
from django.utils.safestring import SafeString

from rustytags_backend import RustyTags
from rustytags_backend._html_string import HtmlString
from rustytags_backend.html import B

PORTED = Path(__file__).resolve().parent.parent / "ported_components" / "roots"
REFUSED = (
    ": rusty-tags escapes nothing, so user data in it would be live HTML. Port the code that "
    "built it: import the tags from rustytags_backend.html in place of rusty_tags or nitro "
    "(from rustytags_backend.html import Div, not from rusty_tags import Div or from nitro "
    "import Div), and rusty_tags.datastar from rustytags_backend.html.datastar."
)

RUSTY_FIRST = [
    {"BACKEND": "rustytags_backend.RustyTags", "APP_DIRS": True},
    {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
]


def engine(**options: Any) -> RustyTags:
    return RustyTags({"NAME": "rt", "DIRS": [], "APP_DIRS": True, "OPTIONS": options})


def ported(case: str) -> RustyTags:
    """An engine on the components folder of one case of tests/ported_components."""
    return RustyTags({"NAME": "rt", "DIRS": [PORTED / case], "APP_DIRS": False, "OPTIONS": {}})


def static_url(request: Any) -> dict[str, str]:
    from django.conf import settings

    return {"static_url": settings.STATIC_URL, "shared": "from processor"}


class EngineTests(SimpleTestCase):
    def test_default_alias_is_the_package_name(self):
        assert isinstance(engines["rustytags_backend"], RustyTags)

    def test_unknown_option_is_refused(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            engine(context_procesors=[], debug=True)
        assert str(excinfo.value) == (
            "Unknown OPTIONS for the RustyTags template engine: 'context_procesors', "
            "'debug'. It takes: context_processors, suffixes."
        )

    def test_bad_suffixes_are_refused(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            engine(suffixes=".html")
        assert str(excinfo.value) == (
            "OPTIONS['suffixes'] of the RustyTags template engine must be a list of suffixes "
            "starting with '.', like ['.html'], not '.html'."
        )

    def test_suffix_without_dot_is_refused(self):
        with pytest.raises(ImproperlyConfigured):
            engine(suffixes=["html"])

    def test_unknown_parameter_is_refused_by_django(self):
        with pytest.raises(ImproperlyConfigured) as excinfo:
            RustyTags({"NAME": "rt", "DIRS": [], "APP_DIRS": True, "OPTIONS": {}, "X": 1})
        assert str(excinfo.value) == "Unknown parameters: X"

    def test_options_of_the_caller_are_not_changed(self):
        params = {"NAME": "rt", "DIRS": [], "APP_DIRS": True, "OPTIONS": {"suffixes": [".rt"]}}
        RustyTags(params)
        assert params["OPTIONS"] == {"suffixes": [".rt"]}

    def test_from_string_is_refused(self):
        with pytest.raises(NotImplementedError) as excinfo:
            engine().from_string("<p>{{ x }}</p>")
        assert str(excinfo.value) == (
            "The RustyTags template engine renders @component functions and cannot compile a "
            "template from a string. Use get_template('app/name.html'), or a Django templates "
            "engine for string templates."
        )


class TemplateCacheTests(SimpleTestCase):
    def test_names_past_the_cap_are_found_but_not_cached(self):
        rt = engine()
        with mock.patch("rustytags_backend.backend._MAX_CACHED", 0):
            template = rt.get_template("home.html")
        assert (template.render(), rt._templates) == ("<h1>Home</h1>", {})

    def test_template_repr(self):
        assert repr(engine().get_template("home.html")) == (
            "<Template 'home.html': tests.testapp.components:home>"
        )


class RenderTests(SimpleTestCase):
    def test_render_returns_an_html_string(self):
        assert type(engine().get_template("pages/hello.html").render({"name": "x"})) is HtmlString

    def test_render_returns_a_safestring(self):
        assert isinstance(
            engine().get_template("pages/hello.html").render({"name": "x"}), SafeString
        )

    def test_context_is_escaped(self):
        html = (
            engine()
            .get_template("pages/hello.html")
            .render({"name": '<script>alert("XSS!");</script>'})
        )
        assert html == "<p>Hello &lt;script&gt;alert(&#34;XSS!&#34;);&lt;/script&gt;!</p>"

    def test_non_ascii_characters(self):
        assert engine().get_template("pages/hello.html").render({"name": "Jérôme"}) == (
            "<p>Hello Jérôme!</p>"
        )

    def test_context_keys_the_component_does_not_take_are_ignored(self):
        assert engine().get_template("pages/hello.html").render({"name": "a", "other": 1}) == (
            "<p>Hello a!</p>"
        )

    def test_var_keyword_parameter_receives_the_whole_context(self):
        html = engine().get_template("pages/everything.html").render({"b": 2, "a": "<"})
        assert html == "<ul><li>a=&#39;&lt;&#39;</li><li>b=2</li></ul>"

    def test_context_key_named_self(self):
        html = engine().get_template("pages/everything.html").render({"self": 1})
        assert html == "<ul><li>self=1</li></ul>"

    def test_missing_parameter_is_named(self):
        with pytest.raises(TypeError) as excinfo:
            engine().get_template("pages/needs_two.html").render({"first": "1"})
        assert str(excinfo.value) == (
            "Component 'pages/needs_two.html' (tests.testapp.components.pages:needs_two) needs "
            "'second', which the context does not provide. Pass 'second' in the context, or "
            "give the parameter a default."
        )

    def test_defaults_apply(self):
        html = engine().get_template("pages/needs_two.html").render({"first": "1", "second": "2"})
        assert html == "<p>123</p>"

    def test_render_without_context(self):
        assert engine().get_template("home.html").render() == "<h1>Home</h1>"

    def test_render_with_positional_arguments(self):
        request = RequestFactory().get("/")
        assert engine().get_template("home.html").render({"title": "T"}, request) == "<h1>T</h1>"

    def test_plain_str_result_is_escaped(self):
        assert engine().get_template("pages/plain_text.html").render() == (
            "&lt;b&gt;not markup&lt;/b&gt;"
        )

    def test_safestring_result_is_kept(self):
        html = engine().get_template("pages/passthrough.html").render({"value": SafeString("<hr>")})
        assert (html, type(html)) == ("<hr>", SafeString)

    def test_list_result_is_flattened(self):
        html = engine().get_template("pages/passthrough.html").render({"value": ["<", B("b")]})
        assert html == "&lt;<b>b</b>"


class RustyTagsResultTests(SimpleTestCase):
    """rusty-tags escapes nothing: a component's rusty-tags output is refused, never sent."""

    def render(self, value: object) -> str:
        return engine().get_template("pages/passthrough.html").render({"value": value})

    def test_rusty_tags_result_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            self.render(rusty_tags.B("<img src=x onerror=alert(1)>"))
        assert str(excinfo.value) == (
            "Cannot render the rusty_tags.core.HtmlString '<b><img src=x onerror=alert(1)></b>'"
            + REFUSED
        )

    def test_rusty_tags_tag_builder_result_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.TagBuilder '<b/>'"):
            self.render(rusty_tags.B())

    def test_rusty_tags_datastar_result_is_refused(self):
        # Its __getattr__ makes up an __html__ that used to be called and inserted raw.
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.datastar\.Signal "):
            self.render(rusty_tags.datastar.Signal("count", 0))

    def test_rusty_tags_markup_in_a_list_result_is_refused(self):
        with pytest.raises(TypeError, match=r"^Cannot render the rusty_tags\.core\.HtmlString "):
            self.render([B("ours"), rusty_tags.B("theirs")])

    def test_component_written_with_rusty_tags_is_refused(self):
        rt = ported("direct")
        with pytest.raises(TypeError) as excinfo:
            rt.get_template("ported_direct/page.html").render()
        assert str(excinfo.value) == (
            "Cannot render the rusty_tags.core.HtmlString '<div><b>Ann</b></div>'" + REFUSED
        )

    def test_component_calling_a_rusty_tags_helper_is_refused(self):
        rt = ported("chained")
        with pytest.raises(TypeError) as excinfo:
            rt.get_template("ported_chained/page.html").render({"title": "x"})
        assert str(excinfo.value) == (
            "Cannot render the rusty_tags.core.HtmlString '<span class=\"badge\">new</span>'"
            + REFUSED
        )

    def test_component_with_rusty_tags_datastar_expressions_renders(self):
        rt = ported("datastar_only")
        assert rt.get_template("ported_datastar_only/page.html").render() == (
            '<div data-show="$open"><span data-text="$count" data-on:click="$count++"></span></div>'
        )

    def test_none_result_is_empty(self):
        assert engine().get_template("pages/passthrough.html").render({"value": None}) == ""

    def test_object_with_html_result_is_markup(self):
        html = engine().get_template("pages/markup.html").render()
        assert (html, type(html)) == ("<i>markup</i>", HtmlString)

    def test_forms_and_media_are_not_escaped(self):
        html = engine().get_template("pages/form_parts.html").render()
        self.assertHTMLEqual(
            html,
            '<div><script src="/static/form.js"></script>'
            '<div><label for="id_name">Name:</label>'
            '<input type="text" name="name" required id="id_name"></div>'
            '<input type="text" name="name" required id="id_name"></div>',
        )

    def test_django_context_is_accepted(self):
        html = engine().get_template("pages/hello.html").render(Context({"name": "ctx"}))
        assert html == "<p>Hello ctx!</p>"

    def test_request_context_brings_its_request(self):
        request = RequestFactory().get("/where")
        html = engine().get_template("pages/with_request.html").render(RequestContext(request))
        assert html == "<div>/where<ul></ul></div>"

    def test_callers_dict_is_not_changed(self):
        context = {"name": "a"}
        engine().get_template("pages/everything.html").render(context, RequestFactory().get("/"))
        assert context == {"name": "a"}


class RequestTests(SimpleTestCase):
    def test_csrf_input(self):
        request = RequestFactory().get("/")
        get_token(request)  # as CsrfViewMiddleware would: gives the request its secret
        html = engine().get_template("pages/with_csrf.html").render(request=request)
        prefix = '<input type="hidden" name="csrfmiddlewaretoken" value="'
        assert html.startswith(prefix)
        token = html.removeprefix(prefix).removesuffix('">')
        assert (len(token), _unmask_cipher_token(token)) == (64, request.META["CSRF_COOKIE"])

    def test_request_and_csrf_values_are_in_the_context(self):
        request = RequestFactory().get("/")
        html = engine().get_template("pages/everything.html").render({}, request)
        assert html.startswith("<ul><li>csrf_input=")
        assert "<li>csrf_token=" in html

    def test_no_request_no_request_values(self):
        assert engine().get_template("pages/everything.html").render({}) == "<ul></ul>"

    def test_context_processors_run_on_each_render(self):
        rt = engine(context_processors=[f"{__name__}.static_url"])
        template = rt.get_template("pages/everything.html")
        request = RequestFactory().get("/")
        first = template.render({}, request)
        with self.settings(STATIC_URL="/changed/"):
            second = template.render({}, request)
        assert ("static_url=&#39;/static/&#39;" in first, "/changed/" in second) == (True, True)

    def test_context_processors_run_only_with_a_request(self):
        rt = engine(context_processors=[f"{__name__}.static_url"])
        assert rt.get_template("pages/everything.html").render({"a": 1}) == "<ul><li>a=1</li></ul>"

    def test_view_context_wins_over_processors(self):
        rt = engine(context_processors=[f"{__name__}.static_url"])
        html = rt.get_template("pages/everything.html").render(
            {"shared": "from view"}, RequestFactory().get("/")
        )
        assert "<li>shared=&#39;from view&#39;</li>" in html

    def test_bad_context_processor_path(self):
        rt = engine(context_processors=["no.such.processor"])
        with pytest.raises(ImportError):
            rt.get_template("home.html").render({}, RequestFactory().get("/"))


class SignalTests(SimpleTestCase):
    def test_template_rendered_is_sent_with_a_context(self):
        received: list[tuple[Any, Any]] = []

        def receiver(sender: Any, template: Any, context: Any, **kwargs: Any) -> None:
            received.append((template, context))

        template_rendered.connect(receiver)
        self.addCleanup(template_rendered.disconnect, receiver)
        template = engine().get_template("pages/hello.html")
        template.render({"name": "sig"})
        [(sent, context)] = received
        assert (sent, type(context), context["name"]) == (template, Context, "sig")


@override_settings(TEMPLATES=RUSTY_FIRST)
class LoaderChainTests(SimpleTestCase):
    def test_first_engine_wins(self):
        assert _name(getattr(get_template("testapp/card.html"), "backend")) == "django"  # noqa: B009

    def test_component_through_render_to_string(self):
        assert render_to_string("pages/hello.html", {"name": "r"}) == "<p>Hello r!</p>"

    def test_using_restricts_the_engine(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            get_template("pages/hello.html", using="django")
        assert _name(excinfo.value.chain[-1].backend) == "django"

    def test_miss_chain_has_both_engines(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            get_template("missing/page.html")
        chain = excinfo.value.chain
        assert (
            [_name(error.backend) for error in chain],
            chain[0].tried[0][0].template_name,
            chain[-1].tried[0][0].template_name,
        ) == (["rustytags_backend", "django"], "missing/page.html", "missing/page.html")

    def test_select_template_tries_every_engine_before_the_next_name(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            select_template(["unknown/first.html", "missing/second.html"])
        assert [
            (_name(error.backend), error.tried[0][0].template_name) for error in excinfo.value.chain
        ] == [
            ("rustytags_backend", "unknown/first.html"),
            ("django", "unknown/first.html"),
            ("rustytags_backend", "missing/second.html"),
            ("django", "missing/second.html"),
        ]

    def test_select_template_finds_a_later_name(self):
        template = select_template(["missing/first.html", "pages/hello.html"])
        assert template.render({"name": "s"}) == "<p>Hello s!</p>"


def _name(backend: Any) -> str:
    return str(backend.name)
