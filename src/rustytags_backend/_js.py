"""Python values written as JavaScript literals inside Datastar expressions.

Shared by ``rustytags_backend.html.datastar`` and ``nitro_dispatch``: every value that comes from
Python goes into an expression through one of these functions, never through an f-string.

JSON is JavaScript, and a JSON string cannot end early, so the only work left is Datastar's
own rewriting of the expression text before it runs (client 1.0.x):

- ``@name(`` becomes an action call, even inside a string literal, so ``@`` is written as
  ``\\u0040``.
- ``$name`` becomes a signal read; 1.0.1 skips string literals, but not the text of a template
  literal that has a ``${`` in it, and earlier releases skip nothing, so ``$`` is ``\\u0024``.
- The statement splitter of 1.0.1 misreads a string that ends in an escaped backslash, so a
  backslash is ``\\u005c``.
- That rewrite also skips what it takes for a string: from a quote in the text of a template
  literal to the next quote, and it ends ``${...}`` at the first brace. So the text of a
  template literal has its quotes and backticks escaped, and strings their braces.
- Non-ASCII characters are escaped (JSON's default), so none can match the client's own
  escape markers.

JavaScript reads each escape inside a string as the character itself.
"""

from __future__ import annotations

import re
from typing import Final

from django.core.serializers.json import DjangoJSONEncoder

__all__ = ["client_safe", "js_arguments", "js_literal", "js_template_text", "js_value"]

# In JSON text a backslash only starts an escape inside a string, and "@" and "$" only occur
# inside strings; scanning left to right keeps "\\" pairs together.
_CLIENT_MARKS: Final = re.compile(r"\\\\|[@$]")
_ESCAPES: Final = {
    "\\\\": "\\u005c",
    "@": "\\u0040",
    "$": "\\u0024",
    "{": "\\u007b",
    "}": "\\u007d",
    '\\"': "\\u0022",
    "'": "\\u0027",
    "`": "\\u0060",
}
# Inside a template literal's ${...}, the client's rewrite stops at the first brace.
_BRACES: Final = re.compile(r"[{}]")
_QUOTES: Final = re.compile(r'\\"|[\'`]')
_JSON_STRING: Final = re.compile(r'"((?:[^"\\]|\\.)*)"')

_ENCODER: Final = DjangoJSONEncoder()
_COMPACT_ENCODER: Final = DjangoJSONEncoder(separators=(",", ":"))


def _mark(match: re.Match[str]) -> str:
    return _ESCAPES[match.group()]


def _encode(value: object, encoder: DjangoJSONEncoder) -> str:
    try:
        text = encoder.encode(value)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"Cannot write {value!r} into a Datastar expression: {exc}. Pass JSON data (str, "
            "int, float, bool, None, list, dict; dates, decimals and UUIDs are also accepted), "
            "or str() it first if you mean its text."
        ) from exc
    return _CLIENT_MARKS.sub(_mark, text)


def client_safe(json_text: str) -> str:
    """Return JSON text with the characters Datastar's client rewrites written as escapes.

    For data the client evaluates as an expression (``data-signals``): a signal value
    ``"Pay $rent"`` would otherwise read the signal ``rent``.
    """
    return _CLIENT_MARKS.sub(_mark, json_text)


def js_literal(value: object) -> str:
    """Return *value* as JSON that Datastar's client leaves alone (still valid JSON)."""
    return _encode(value, _ENCODER)


def js_arguments(*values: object) -> str:
    """Return *values* as JavaScript literals, comma-separated, for a Datastar expression."""
    return ", ".join([_encode(value, _ENCODER) for value in values])


def _single_quoted(match: re.Match[str]) -> str:
    # After _encode, the only backslashes left start escapes other than "\\", so "\\\"" is
    # always the escape of a double quote.
    return "'" + _BRACES.sub(_mark, match.group(1).replace('\\"', '"')).replace("'", "\\'") + "'"


def js_value(value: object) -> str:
    """Return *value* as a compact JavaScript literal with single-quoted strings.

    RustyTags writes ``'text'``, ``{'a':1}``; so does this, from the JSON encoding, so a
    quote in the text is escaped instead of ending the string.
    """
    return _JSON_STRING.sub(_single_quoted, _encode(value, _COMPACT_ENCODER))


def js_template_text(text: str) -> str:
    """Return *text* escaped for the text part of a JavaScript template literal.

    "$" is already ``\\u0024``, so no ``${`` is left; quotes and backticks are escapes too,
    since the client's ``$signal`` rewrite would read a quote in the text as the start of a
    string and leave the signals after it alone.
    """
    return _QUOTES.sub(_mark, _encode(text, _COMPACT_ENCODER)[1:-1])
