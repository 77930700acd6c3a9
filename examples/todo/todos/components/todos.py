"""The example's components: a page, its list and items, messages, and two small parts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest

from nitro_dispatch import datastar_action
from rustytags_backend import Page, component, csp_nonce, render_template, url
from rustytags_backend.html import (
    H1,
    A,
    Button,
    Div,
    Footer,
    Form,
    Header,
    Input,
    Li,
    Link,
    Main,
    P,
    Section,
    Span,
    Strong,
    Style,
    Ul,
)
from todos.entities import Todo

CSS = """
body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; }
#todo-list { list-style: none; padding: 0; }
#todo-list li { display: flex; gap: .5rem; align-items: center; padding: .25rem 0; }
#todo-list li.completed .title { text-decoration: line-through; color: #888; }
.edit { flex: 1; }
#messages p { background: #eef; padding: .25rem .5rem; }
"""


@component
def page(todos: list[Todo], request: HttpRequest) -> str:
    return Page(
        Header(H1("todos"), A("About", href=url("about"))),
        messages(()),
        # Failed actions answer with the _nitroError signal (Datastar ignores non-200 bodies).
        P(text="$_nitroError.message", show="$_nitroError", id="error", role="alert"),
        Main(
            Form(
                Input(
                    bind="title",
                    placeholder="What needs to be done?",
                    aria_label="New todo",
                    autofocus=True,
                    id="new-todo",
                ),
                on_submit__prevent=datastar_action(Todo.add),
            ),
            todo_list(todos),
        ),
        Footer(
            Span(Strong(Todo.count(completed=False), id="open", text="$open"), " left"),
            *(
                Button(
                    label,
                    on_click=f"$filter = '{value}'; " + datastar_action(Todo.show),
                    data_attr_aria_pressed=f"$filter == '{value}'",
                    id=f"show-{value}",
                )
                for label, value in (("All", "all"), ("Active", "active"), ("Done", "completed"))
            ),
            Button("Clear completed", on_click=datastar_action(Todo.clear_completed), id="clear"),
        ),
        help_card(request),
        title="todos",
        request=request,
        head=[Style(CSS, nonce=csp_nonce(request)), Link(rel="icon", href="data:,")],
        signals={
            "title": "",
            "open": Todo.count(completed=False),
            "filter": "all",
            "_nitroError": False,  # set by failed actions, cleared by successful ones
        },
    )


@component
def todo_list(todos: Iterable[Todo]) -> str:
    return Ul(*(item(todo) for todo in todos), id="todo-list")


@component
def item(todo: Todo) -> str:
    return Li(
        Input(
            type="checkbox",
            checked=todo.completed,
            on_change=datastar_action(todo.toggle),
            aria_label=f"Toggle {todo.title}",
            cls="toggle",
        ),
        Form(
            Input(name="title", value=todo.title, aria_label=f"Rename {todo.title}", cls="edit"),
            on_submit__prevent=datastar_action(todo.rename, options={"contentType": "form"}),
        ),
        Span(todo.title, cls="title"),
        Button("×", on_click=datastar_action(todo.discard), aria_label=f"Delete {todo.title}"),
        id=f"todo-{todo.id}",
        cls="completed" if todo.completed else None,
    )


@component
def messages(messages: Iterable[Any] = ()) -> str:
    return Div(*(P(str(message), cls=message.tags) for message in messages), id="messages")


@component
def stats(total: int) -> str:
    """Embedded in the Django template todos/about.html."""
    return Section(P("Todos in the database: ", Strong(total)), id="stats")


@component
def help_card(request: HttpRequest) -> str:
    """A component that embeds a Django template."""
    return render_template("todos/help.html", {"shortcut": "Enter"}, request)
