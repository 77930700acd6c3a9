"""Render one page four ways and compare: is the safe HTML layer as fast as raw rusty-tags?

    python3 scripts/bench.py html_page

(a) raw rusty-tags (unsafe: it escapes nothing), (b) rustytags_backend.html, (c) Django
templates with autoescape, (d) Jinja2 with autoescape. The page is a layout with head, nav and
footer around a 500 x 5 table; every text and attribute value contains < > & " '. Before
timing, the outputs of (b), (c) and (d) are parsed with an HTML5 parser and must give the same
document, so the safe variants are shown to do the same work.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import html5lib
import jinja2
import rusty_tags
from django.template import engines

from bench._harness import Bar, report, setup_django, time_variants
from rustytags_backend import html

ROWS = 500
SPECIAL = "<b> & \"q\" 'a'"
TITLE = f"Orders {SPECIAL}"
NAV = [(f"Section {i} {SPECIAL}", f"/section/{i}/?a=1&b=<{i}>") for i in range(6)]
COLUMNS = ["#", "Customer", "Status", "Note", "Amount"]


def make_rows() -> list[dict[str, str]]:
    return [
        {
            "id": f"row-{i}",
            "number": f"{i} {SPECIAL}",
            "name": f"Customer {i} <{SPECIAL}>",
            "url": f"/customers/{i}/?q='{i}'&x=\"{i}\"",
            "status": f"open & <pending {i}>",
            "status_class": f"status \"s{i % 3}\" <'x'>",
            "note": f"Note {i}: {SPECIAL}",
            "amount": f'{i * 3}.50 & <EUR> "\'"',
        }
        for i in range(ROWS)
    ]


def page_with(h: Any, rows: list[dict[str, str]]) -> Any:
    """The page, written once against a RustyTags-compatible tag module *h*."""
    return h.Html(
        h.Head(
            h.Meta(charset="utf-8"),
            h.Title(TITLE),
            h.Link(rel="stylesheet", href="/static/site.css?v=1&x=<'\">"),
        ),
        h.Body(
            h.Header(
                h.Nav(h.Ul(*[h.Li(h.A(label, href=url, cls="nav-link")) for label, url in NAV]))
            ),
            h.Main(
                h.H1(TITLE),
                h.Table(
                    h.Thead(h.Tr(*[h.Th(column) for column in COLUMNS])),
                    h.Tbody(
                        *[
                            h.Tr(
                                h.Td(row["number"]),
                                h.Td(h.A(row["name"], href=row["url"])),
                                h.Td(h.Span(row["status"], cls=row["status_class"])),
                                h.Td(row["note"]),
                                h.Td(row["amount"]),
                                cls="row",
                                id=row["id"],
                            )
                            for row in rows
                        ]
                    ),
                    cls="orders",
                ),
            ),
            h.Footer(h.P(f"Footer {SPECIAL}")),
        ),
        lang="en",
    )


DJANGO_TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8">\
<title>{{ title }}</title><link rel="stylesheet" href="{{ css }}"></head><body><header><nav><ul>\
{% for label, url in nav %}<li><a href="{{ url }}" class="nav-link">{{ label }}</a></li>\
{% endfor %}\
</ul></nav></header><main><h1>{{ title }}</h1><table class="orders"><thead><tr>\
{% for column in columns %}<th>{{ column }}</th>{% endfor %}</tr></thead><tbody>\
{% for row in rows %}<tr class="row" id="{{ row.id }}"><td>{{ row.number }}</td>\
<td><a href="{{ row.url }}">{{ row.name }}</a></td>\
<td><span class="{{ row.status_class }}">{{ row.status }}</span></td>\
<td>{{ row.note }}</td><td>{{ row.amount }}</td></tr>{% endfor %}</tbody></table></main>\
<footer><p>{{ footer }}</p></footer></body></html>"""


def variants(rows: list[dict[str, str]]) -> dict[str, Callable[[], object]]:
    context = {
        "title": TITLE,
        "css": "/static/site.css?v=1&x=<'\">",
        "nav": NAV,
        "columns": COLUMNS,
        "rows": rows,
        "footer": f"Footer {SPECIAL}",
    }
    dtl = engines["django"].from_string(DJANGO_TEMPLATE)
    jinja = jinja2.Environment(autoescape=True).from_string(DJANGO_TEMPLATE)
    return {
        "(a) rusty-tags, raw (unsafe)": lambda: str(page_with(rusty_tags, rows)),
        "(b) rustytags_backend.html": lambda: page_with(html, rows),
        "(c) Django templates, autoescape": lambda: dtl.render(context),
        "(d) Jinja2, autoescape": lambda: jinja.render(context),
    }


def _document(markup: str) -> str:
    tree = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    return html5lib.serialize(tree, tree="etree", quote_attr_values="always")


def check_same_document(outputs: dict[str, str]) -> None:
    reference_name, reference = next(iter(outputs.items()))
    for name, markup in outputs.items():
        if _document(markup) != _document(reference):
            sys.exit(f"{name} renders a different document than {reference_name}.")


def main() -> bool:
    setup_django()
    rows = make_rows()
    cases = variants(rows)
    check_same_document(
        {name: str(render()) for name, render in cases.items() if "raw" not in name}
    )
    results = time_variants(cases)
    names = list(cases)
    return report(
        "One page (head, nav, footer, 500 x 5 table), every string with < > & \" '",
        results,
        baseline=names[0],
        bars=[
            Bar(names[1], names[0], "<=", 1.25),
            Bar(names[2], names[1], ">=", 3.0),
            Bar(names[3], names[1], ">=", 1.7),
        ],
        goal=Bar(names[1], names[0], "<=", 1.0),
    )


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
