"""Components rendered by bench/backend_render.py."""

from __future__ import annotations

from bench.entities import BenchTodo
from bench.html_page import page_with
from rustytags_backend import component, html
from rustytags_backend.html import Li, Td, Tr


@component
def orders(rows: list[dict[str, str]]) -> str:
    page: str = page_with(html, rows)
    return page


@component
def row(row: dict[str, str]) -> str:
    return Tr(Td(row["number"]), Td(row["name"]), Td(row["note"]), id=row["id"])


@component
def todo(todo: BenchTodo) -> str:
    return Li(todo.title, id=f"todo-{todo.id}", cls="done" if todo.completed else None)
