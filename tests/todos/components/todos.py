from __future__ import annotations

from rustytags_backend import component
from rustytags_backend.html import Li
from tests.todos.entities import Todo


@component
def item(todo: Todo) -> str:
    return Li(todo.title, id=f"todo-{todo.id}", cls="done" if todo.completed else None)
