"""The one escaping primitive of the HTML layer."""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["escape"]


def _escape_python(text: str, /) -> str:
    """Replace the five HTML-special characters with entities (markupsafe's spelling)."""
    return (
        text.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


escape: Callable[[str], str]
try:
    # markupsafe's C escaper without the Markup wrapper: about 40 ns a string against
    # 350 ns for markupsafe.escape() and 700 ns for django.utils.html.escape(). It returns
    # its argument unchanged when nothing needs escaping. The name is private to markupsafe,
    # so the dependency is pinned to markupsafe 3.x and the pure-Python spelling above stands
    # in where the C extension is missing (a source build or a PyPy install).
    from markupsafe._speedups import _escape_inner as escape
except ImportError:  # pragma: no cover - only without markupsafe's C extension
    escape = _escape_python
