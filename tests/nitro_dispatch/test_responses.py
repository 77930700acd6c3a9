"""patch(), signals(), remove(), redirect() and their checks."""

from __future__ import annotations

import pytest
from django.test import SimpleTestCase

from nitro_dispatch import patch, redirect, remove, signals
from nitro_dispatch.responses import Patch, Redirect, Remove, Signals
from rustytags_backend.html import Div


class PatchTests(SimpleTestCase):
    def test_markup(self):
        assert patch(Div("x", id="a")) == Patch('<div id="a">x</div>')

    def test_template_name_is_rendered_with_the_context(self):
        assert patch("pages/hello.html", name="<B>").elements == "<p>Hello &lt;B&gt;!</p>"

    def test_options(self):
        result = patch(Div("x"), selector="#list", mode="append", use_view_transition=True)
        assert result.event() == (
            "event: datastar-patch-elements\ndata: mode append\ndata: selector #list\n"
            "data: useViewTransition true\ndata: elements <div>x</div>\n\n"
        )

    def test_namespace(self):
        assert patch(Div("x"), namespace="svg").event() == (
            "event: datastar-patch-elements\ndata: namespace svg\ndata: elements <div>x</div>\n\n"
        )

    def test_defaults_are_left_out(self):
        assert patch(Div("x"), mode="outer", namespace="html").event() == (
            "event: datastar-patch-elements\ndata: elements <div>x</div>\n\n"
        )

    def test_unknown_mode_is_refused(self):
        with pytest.raises(ValueError) as excinfo:
            patch(Div("x"), mode="upsert")
        assert str(excinfo.value) == (
            "Unknown patch mode 'upsert'; use one of: outer, inner, remove, replace, prepend, "
            "append, before, after."
        )

    def test_mode_that_needs_a_selector(self):
        with pytest.raises(ValueError) as excinfo:
            patch(Div("x"), mode="inner")
        assert str(excinfo.value) == "A patch with mode='inner' needs a selector."

    def test_not_markup_nor_a_name(self):
        with pytest.raises(TypeError) as excinfo:
            patch(42)
        assert str(excinfo.value) == "patch() takes markup or a template name, not 42."


class OtherPatchTests(SimpleTestCase):
    def test_signals_from_a_dict_and_keywords(self):
        assert signals({"a": 1}, b=None, only_if_missing=True) == Signals({"a": 1, "b": None}, True)

    def test_signals_event(self):
        assert signals(count=1, only_if_missing=True).event() == (
            'event: datastar-patch-signals\ndata: onlyIfMissing true\ndata: signals {"count":1}\n\n'
        )

    def test_remove(self):
        assert remove("#x") == Remove("#x")

    def test_redirect_is_an_expression_not_an_inline_script(self):
        # An inline <script> would need the page's CSP nonce, which no later response knows.
        assert redirect("/a</div><script>alert(1)").event() == (
            "event: datastar-patch-elements\ndata: mode append\ndata: selector body\n"
            'data: elements <div hidden data-init="el.remove(); setTimeout(() =&gt; '
            'window.location.assign(&#34;/a&lt;/div&gt;&lt;script&gt;alert(1)&#34;))"></div>\n\n'
        )

    def test_redirect_url_cannot_call_a_datastar_action(self):
        event = redirect("/x?a=@post('/y')").event()
        assert "assign(&#34;/x?a=\\u0040post(&#39;/y&#39;)&#34;)" in event

    def test_redirect_object(self):
        assert redirect("/x") == Redirect("/x")
