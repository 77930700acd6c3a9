"""Values written into Datastar expressions, which are JavaScript."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["js_arguments"]


def js_arguments(*values: Any) -> str:
    """*values* as JavaScript literals, comma-separated, for a Datastar expression.

    JSON is JavaScript. Datastar reads ``@name(`` as an action call even inside a string
    literal (its ``$signal`` rewrite skips strings), so no ``@`` is left: in JSON, ``@`` only
    occurs inside strings, where JavaScript reads ``\\u0040`` as the same character. Non-ASCII
    is escaped too, so no character can match the client's own escape markers.
    """
    return ", ".join(json.dumps(value) for value in values).replace("@", "\\u0040")
