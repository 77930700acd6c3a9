"""The RustyTags engine's overhead: render_to_string() against calling the component.

    python3 scripts/bench.py backend_render

The page is the one of bench/html_page.py, as a component in bench/components/. The bar is on
the page; the one-row fragment shows the engine's fixed cost per render, in microseconds.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.template.loader import render_to_string

from bench._harness import Bar, report, setup_django, time_variants


def main() -> bool:
    setup_django()
    from bench.components.pages import orders, row
    from bench.html_page import make_rows

    rows = make_rows()
    one = rows[0]
    if render_to_string("pages/orders.html", {"rows": rows}) != orders(rows=rows):
        sys.exit("render_to_string() and the component disagree.")
    cases: dict[str, Callable[[], object]] = {
        "component called directly": lambda: orders(rows=rows),
        "render_to_string(name, context)": lambda: render_to_string(
            "pages/orders.html", {"rows": rows}
        ),
    }
    fragment: dict[str, Callable[[], object]] = {
        "one row, called directly": lambda: row(row=one),
        "one row, render_to_string()": lambda: render_to_string("pages/row.html", {"row": one}),
    }
    names = list(cases)
    ok = report(
        "The engine's overhead on a page (500 x 5 table)",
        time_variants(cases),
        baseline=names[0],
        bars=[Bar(names[1], names[0], "<=", 1.05)],
    )
    report(
        "The engine's fixed cost (one table row)",
        time_variants(fragment),
        "one row, called directly",
        bars=[],
    )
    return ok


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
