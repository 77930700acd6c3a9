"""rustytags_backend._js: Python values as JavaScript literals that Datastar leaves alone."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.test import SimpleTestCase
from django.utils.translation import gettext_lazy

from rustytags_backend._js import js_arguments, js_literal, js_template_text, js_value


class JsLiteralTests(SimpleTestCase):
    def test_value_is_json(self):
        assert js_literal({"a": [1, None, True]}) == '{"a": [1, null, true]}'

    def test_at_sign_is_escaped(self):
        assert js_literal("@post('/x')") == "\"\\u0040post('/x')\""

    def test_dollar_is_escaped(self):
        assert js_literal("$count") == '"\\u0024count"'

    def test_backslash_is_escaped(self):
        assert js_literal("a\\") == '"a\\u005c"'

    def test_backslash_before_a_quote(self):
        assert js_literal('\\"') == '"\\u005c\\""'

    def test_non_ascii_is_escaped(self):
        assert js_literal("café") == '"caf\\u00e9"'

    def test_result_is_still_json(self):
        text = 'it\'s "@x(" $y \\ é \u2028'
        assert json.loads(js_literal({text: text})) == {text: text}

    def test_dates_and_decimals(self):
        assert js_literal([datetime.date(2026, 1, 2), Decimal("1.10")]) == '["2026-01-02", "1.10"]'

    def test_lazy_string(self):
        assert js_literal(gettext_lazy("Hello")) == '"Hello"'

    def test_value_that_is_not_json_is_refused(self):
        with pytest.raises(TypeError) as excinfo:
            js_literal({1, 2})
        assert str(excinfo.value) == (
            "Cannot write {1, 2} into a Datastar expression: Object of type set is not JSON "
            "serializable. Pass JSON data (str, int, float, bool, None, list, dict; dates, "
            "decimals and UUIDs are also accepted), or str() it first if you mean its text."
        )


class JsArgumentsTests(SimpleTestCase):
    def test_arguments_are_comma_separated(self):
        assert js_arguments("/x", {"a": "@b"}) == '"/x", {"a": "\\u0040b"}'


class JsValueTests(SimpleTestCase):
    def test_string_is_single_quoted(self):
        assert js_value("world") == "'world'"

    def test_single_quote_is_escaped(self):
        assert js_value("it's") == "'it\\'s'"

    def test_double_quote_is_plain(self):
        assert js_value('say "hi"') == "'say \"hi\"'"

    def test_backslash_before_a_quote_stays_text(self):
        assert js_value("\\'") == "'\\u005c\\''"

    def test_containers_are_compact(self):
        assert js_value({"a": [1, "b"], "c": None}) == "{'a':[1,'b'],'c':null}"

    def test_markers_are_escaped(self):
        assert js_value("@get($x)") == "'\\u0040get(\\u0024x)'"

    def test_braces_in_a_string_are_escaped(self):
        assert js_value({"k": "{}"}) == "{'k':'\\u007b\\u007d'}"

    def test_newline_is_escaped(self):
        assert js_value("a\nb") == "'a\\nb'"


class JsTemplateTextTests(SimpleTestCase):
    def test_backtick_is_escaped(self):
        assert js_template_text("a`b") == "a\\u0060b"

    def test_interpolation_is_text(self):
        assert js_template_text("${alert(1)}") == "\\u0024{alert(1)}"

    def test_quotes_are_escaped(self):
        assert js_template_text('it\'s "x"') == "it\\u0027s \\u0022x\\u0022"

    def test_backslash_is_escaped(self):
        assert js_template_text("\\`") == "\\u005c\\u0060"

    def test_braces_are_plain(self):
        assert js_template_text("{a}") == "{a}"
