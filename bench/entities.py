"""The entity of bench/dispatch.py."""

from __future__ import annotations

from nitro_dispatch import Entity, action, fragment


class BenchTodo(Entity, table=True):
    title: str
    completed: bool = False

    @action(method="POST")
    def toggle(self) -> str:
        self.completed = not self.completed
        self.save()
        return fragment("pages/todo.html", todo=self)
