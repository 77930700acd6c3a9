"""A sample page written with rustytags_backend.html, printed to standard output.

    python3 scripts/run.py            # or, in an environment with the project installed:
    python examples/sample_page.py

The data below is what users could type: every string goes through the layer's escaping, so the
page shows it as text. The counter is a Datastar 1.0 component: its state is in data-signals
(JSON), its behaviour in data-on:click and data-text expressions.
"""

from __future__ import annotations

import sys

from rustytags_backend.html import (
    H1,
    A,
    Body,
    Button,
    Footer,
    Head,
    Html,
    Li,
    Main,
    Meta,
    P,
    Section,
    Span,
    Table,
    Tbody,
    Td,
    Th,
    Thead,
    Title,
    Tr,
    Ul,
)

ORDERS = [
    {"id": 1, "customer": "Ada <script>alert('x')</script>", "total": "12.50", "paid": True},
    {"id": 2, "customer": 'Bob "the builder" & Co', "total": "7.00", "paid": False},
    {"id": 3, "customer": "Zoë O'Brien", "total": "149.99", "paid": True},
]


def counter(start: int) -> str:
    return Section(
        Button("−", on_click="$count--", aria_label="Decrease"),
        Span(start, text="$count"),
        Button("+", on_click="$count++", aria_label="Increase"),
        signals={"count": start},
        id="counter",
    )


def order_table(orders: list[dict[str, object]]) -> str:
    return Table(
        Thead(Tr(Th("#"), Th("Customer"), Th("Total"), Th("Paid"))),
        Tbody(
            Tr(
                Td(order["id"]),
                Td(A(order["customer"], href=f"/orders/{order['id']}/")),
                Td(order["total"]),
                Td("yes" if order["paid"] else "no"),
                cls="paid" if order["paid"] else None,
                id=f"order-{order['id']}",
            )
            for order in orders
        ),
    )


def page() -> str:
    return Html(
        Head(Meta(charset="utf-8"), Title("Orders & counters")),
        Body(
            Main(
                H1("Orders & counters"),
                order_table(ORDERS),
                counter(3),
                Ul(Li(tag) for tag in ["<b>not bold</b>", "Tom & Jerry"]),
            ),
            Footer(P("Rendered by rustytags_backend.html")),
        ),
        lang="en",
    )


if __name__ == "__main__":
    sys.stdout.write(page() + "\n")
