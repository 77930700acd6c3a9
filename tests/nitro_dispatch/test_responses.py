"""patch(), signals(), remove(), redirect(), and what each kind of answer becomes."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest
from django.test import SimpleTestCase, TestCase
from django.urls import reverse
from django.utils.safestring import mark_safe

from nitro_dispatch import patch, redirect, remove, signals
from nitro_dispatch.responses import Patch, Redirect, Remove, Signals
from rustytags_backend._html_string import trusted_html
from rustytags_backend.html import Div
from tests.ported_actions.entities import Gadget

DS = {"Datastar-Request": "true"}


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"nitro:{name}", kwargs=kwargs)


def signals_of(content: bytes) -> Any:
    event, data = content.decode().removesuffix("\n\n").split("\n", 1)
    assert (event, data.count("\n")) == ("event: datastar-patch-signals", 0)
    return json.loads(data.removeprefix("data: signals "))


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

    def test_rusty_tags_markup_is_refused(self):
        import rusty_tags

        markup = rusty_tags.Div("<img src=x onerror=alert(1)>")
        with pytest.raises(TypeError) as refusal:
            trusted_html(markup)
        with pytest.raises(TypeError) as excinfo:
            patch(markup)
        assert str(excinfo.value) == str(refusal.value)

    def test_an_object_that_only_claims_html_is_not_markup(self):
        class Anything:
            def __getattr__(self, name: str) -> Any:
                return lambda: "<script>alert(1)</script>"

        with pytest.raises(TypeError) as excinfo:
            patch(Anything())
        assert str(excinfo.value).startswith("patch() takes markup or a template name, not <")

    def test_safe_string_is_markup(self):
        assert patch(mark_safe("<p id=a>x</p>")) == Patch("<p id=a>x</p>")


class SignalsTests(SimpleTestCase):
    def test_signals_from_a_dict_and_keywords(self):
        result = signals({"a": 1}, b=None, only_if_missing=True)
        assert (result, result.only_if_missing) == (Signals({"a": 1, "b": None}, True), True)

    def test_signals_are_a_dict(self):
        assert (isinstance(signals(count=0), dict), signals(count=0)) == (True, {"count": 0})

    def test_signals_in_a_component_as_rusty_tags_signals(self):
        assert str(Div(signals=signals(count=0))) == (
            '<div data-signals="{&#34;count&#34;:0}"></div>'
        )

    def test_only_if_missing_tells_signals_apart(self):
        assert (Signals({"a": 1}, True) == Signals({"a": 1}),
                Signals({"a": 1}, True) != Signals({"a": 1})) == (False, True)  # fmt: skip

    def test_other_values_differ(self):
        assert (Signals({"a": 1}) != {"a": 2}, Signals({"a": 1}) == 1) == (True, False)

    def test_repr(self):
        assert repr(Signals({"a": 1}, True)) == "Signals({'a': 1}, only_if_missing=True)"

    def test_pickled(self):
        copy = pickle.loads(pickle.dumps(Signals({"a": 1}, True)))
        assert (type(copy), copy, copy.only_if_missing) == (Signals, {"a": 1}, True)


class OtherPatchTests(SimpleTestCase):
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


class DatastarAnswerTests(TestCase):
    """What a Datastar request gets for each kind of value an action returns."""

    def get(self, name: str, **kwargs: Any) -> Any:
        return self.client.get(url(name, **kwargs), headers=DS)

    def test_number_is_the_result_signal(self):
        assert signals_of(self.get("gadget-number").content) == {"result": 5}

    def test_date_is_the_result_signal(self):
        assert signals_of(self.get("gadget-day").content) == {"result": "2026-12-01"}

    def test_list_of_models_is_the_result_signal(self):
        assert signals_of(self.get("gadget-points").content) == {
            "result": [{"x": 1, "y": 0}, {"x": 2, "y": 3}]
        }

    def test_list_of_dicts_is_the_result_signal(self):
        assert signals_of(self.get("gadget-dicts").content) == {"result": [{"a": 1}, {"b": 2}]}

    def test_tuple_is_the_result_signal(self):
        assert signals_of(self.get("gadget-numbers").content) == {"result": [1, 2]}

    def test_empty_list_patches_nothing(self):
        response = self.get("gadget-empty")
        assert (response.status_code, response.content) == (204, b"")

    def test_empty_dict_patches_no_signal(self):
        assert signals_of(self.get("gadget-empty_dict").content) == {}

    def test_models_inside_a_dict_are_their_dumps(self):
        Gadget.create(id="g1", name="lamp")
        assert signals_of(self.get("gadget-nested").content) == {
            "gadgets": [{"id": "g1", "name": "lamp"}],
            "origin": {"x": 0, "y": 0},
        }

    def test_list_with_a_patch_is_several_patches(self):
        assert self.get("gadget-patches_and_data").content == (
            b"event: datastar-patch-elements\ndata: mode append\ndata: selector #list\n"
            b'data: elements <li id="one">one</li>\n\n'
            b'event: datastar-patch-signals\ndata: signals {"x":1,"y":0}\n\n'
        )

    def test_list_of_patches_refuses_a_number(self):
        with self.assertLogs("django.request", "ERROR") as logs:
            self.get("gadget-patch_and_number")
        assert str(logs.records[0].exc_info[1]) == (  # type: ignore[index]
            "An action returned a list of patches holding 5: a list of patches holds markup, "
            "patch()/signals()/remove()/redirect() objects, dicts and models. Return data "
            "apart, as signals: signals(name=value)."
        )

    def test_own_signals_keep_their_options(self):
        assert self.get("gadget-own_signals").content == (
            b'event: datastar-patch-signals\ndata: onlyIfMissing true\ndata: signals {"count":1}'
            b"\n\n"
        )


class PlainAnswerTests(TestCase):
    """What a plain client gets: Nitro's shapes."""

    def test_tuple_is_a_list(self):
        assert self.client.get(url("gadget-numbers")).json() == [1, 2]

    def test_list_of_dicts_is_a_list(self):
        assert self.client.get(url("gadget-dicts")).json() == [{"a": 1}, {"b": 2}]

    def test_list_of_models_is_a_list(self):
        assert self.client.get(url("gadget-points")).json() == [{"x": 1, "y": 0}, {"x": 2, "y": 3}]

    def test_date_is_a_result(self):
        assert self.client.get(url("gadget-day")).json() == {"result": "2026-12-01"}

    def test_models_inside_a_dict_are_their_dumps(self):
        assert self.client.get(url("gadget-nested")).json() == {
            "gadgets": [],
            "origin": {"x": 0, "y": 0},
        }

    def test_empty_dict(self):
        assert self.client.get(url("gadget-empty_dict")).json() == {}

    def test_list_with_a_patch_gives_its_markup(self):
        response = self.client.get(url("gadget-patches_and_data"))
        assert (response["Content-Type"], response.content) == (
            "text/html; charset=utf-8",
            b'<li id="one">one</li>',
        )

    def test_own_signals_are_their_values(self):
        assert self.client.get(url("gadget-own_signals")).json() == {"count": 1}

    def test_delete_with_an_answer_is_200(self):
        Gadget.create(id="g1")
        response = self.client.delete(url("gadget-forget", id="g1"))
        assert (response.status_code, response.json()) == (200, {"deleted": "g1"})

    def test_put_answers_the_entity(self):
        Gadget.create(id="g1", name="lamp")
        response = self.client.put(
            url("gadget-replace", id="g1"), {"name": "desk"}, content_type="application/json"
        )
        assert (response.status_code, response.json()) == (200, {"id": "g1", "name": "desk"})
