"""Values written into Datastar expressions, which are JavaScript.

The encoding lives in ``rustytags_backend._js``, shared with the expression DSL of
``rustytags_backend.html.datastar``: see there for what is escaped and why.
"""

from __future__ import annotations

from rustytags_backend._js import js_arguments

__all__ = ["js_arguments"]
