"""The escaping primitive."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rustytags_backend._escape import _escape_python, escape


def test_escapes_the_five_special_characters():
    assert escape('<a href="x">&\'</a>') == "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;"


def test_python_spelling_matches():
    assert _escape_python('<a href="x">&\'</a>') == (
        "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;"
    )


@given(st.text())
def test_python_spelling_matches_the_c_escaper(value: str) -> None:
    assert _escape_python(value) == escape(value)
