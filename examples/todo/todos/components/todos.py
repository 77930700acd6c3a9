"""The example's components: a page, its list and items, messages, and two small parts.

The page follows the todos live: it opens ``Todo.updates`` (a stream of the list and the
counter) with ``data-init``, so every change, made on this page, another one or in the admin,
is morphed in. Filtering is done in the page ($filter), so the list is the same for every
viewer and rendered once per change for all of them.
"""

from __future__ import annotations

import json
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
    Label,
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
body { font: 15px/1.4 "Helvetica Neue", Helvetica, Arial, sans-serif; color: #111;
       background: #f5f5f5; margin: 0; padding: 130px 1rem 2rem; }
.todoapp { position: relative; max-width: 550px; margin: 0 auto; background: #fff;
           box-shadow: 0 2px 4px rgba(0,0,0,.2), 0 25px 50px rgba(0,0,0,.1); }
.todoapp h1 { position: absolute; top: -120px; width: 100%; margin: 0; text-align: center;
              font-size: 80px; font-weight: 200; color: #b83f45; }
#new-todo, .edit { width: 100%; box-sizing: border-box; font: inherit; font-size: 24px; }
#new-todo { padding: 16px 16px 16px 60px; border: 0; background: rgba(0,0,0,.003);
            box-shadow: inset 0 -2px 1px rgba(0,0,0,.03); }
#new-todo::placeholder { font-style: italic; color: #999; }
#todo-list { list-style: none; margin: 0; padding: 0; border-top: 1px solid #e6e6e6; }
#todo-list li { font-size: 24px; border-bottom: 1px solid #ededed; }
#todo-list .view { display: flex; align-items: center; }
.toggle { width: 28px; height: 28px; margin: 0 16px; accent-color: #3ea390; cursor: pointer; }
.title { flex: 1; padding: 15px 15px 15px 0; word-break: break-word; cursor: text; }
li.completed .title { color: #949494; text-decoration: line-through; }
.destroy { visibility: hidden; border: 0; background: none; font-size: 30px; line-height: 1;
           color: #949494; margin-right: 12px; cursor: pointer; }
li:hover .destroy, .destroy:focus { visibility: visible; }
.destroy:hover { color: #c18585; }
.edit { display: block; padding: 12px 16px; margin-left: 43px; width: calc(100% - 43px);
        border: 1px solid #999; box-shadow: inset 0 -1px 5px rgba(0,0,0,.2); }
.footer { display: flex; gap: 1rem; align-items: center; justify-content: space-between;
          padding: 10px 15px; border-top: 1px solid #e6e6e6; color: #555; }
.filters { display: flex; gap: .25rem; }
.footer button { font: inherit; color: inherit; background: none; border: 1px solid transparent;
                 border-radius: 3px; padding: 3px 7px; cursor: pointer; }
.filters button[aria-pressed=true] { border-color: #ce4646; }
.footer button:hover { border-color: #db7676; }
#messages, #error, #help, .info { max-width: 550px; margin: 1rem auto 0; }
#messages p { margin: .5rem 0 0; padding: .5rem .75rem; background: #eaf5f2; border-radius: 3px; }
#error { padding: .5rem .75rem; background: #fdecea; color: #8a1f11; border-radius: 3px; }
#help { color: #4d4d4d; font-size: 13px; }
.info { text-align: center; color: #777; font-size: 12px; }
.info a { color: inherit; }
"""

# The live stream reconnects for as long as the page is open (a server restarting ends it
# cleanly, which Datastar only follows with retry: "always"); Last-Event-ID says what it has.
LIVE = {"retry": "always", "retryMaxCount": 1_000_000}
FILTERS = (("All", "all"), ("Active", "active"), ("Completed", "completed"))


@component
def page(todos: list[Todo], request: HttpRequest) -> str:
    return Page(
        Section(
            Header(
                H1("todos"),
                Form(
                    Input(
                        bind="title",
                        placeholder="What needs to be done?",
                        aria_label="New todo",
                        autofocus=True,
                        autocomplete="off",
                        id="new-todo",
                    ),
                    on_submit__prevent=datastar_action(Todo.add),
                ),
            ),
            Main(todo_list(todos), show="$total > 0"),
            Footer(
                Span(
                    Strong(Todo.count(completed=False), id="open", text="$open"),
                    Span(" left", text="$open === 1 ? ' item left' : ' items left'"),
                ),
                Div(
                    *(
                        Button(
                            label,
                            on_click=f"$filter = '{value}'",
                            data_attr_aria_pressed=f"$filter === '{value}' ? 'true' : 'false'",
                            id=f"show-{value}",
                        )
                        for label, value in FILTERS
                    ),
                    cls="filters",
                ),
                Button(
                    "Clear completed",
                    on_click=datastar_action(Todo.clear_completed),
                    show="$total > $open",
                    id="clear",
                ),
                cls="footer",
                show="$total > 0",
            ),
            cls="todoapp",
        ),
        messages(()),
        # Failed actions answer with the _nitroError signal (Datastar ignores non-200 bodies).
        P(text="$_nitroError.message", show="$_nitroError", id="error", role="alert"),
        help_card(request),
        P(
            "Open this page in two windows: each shows the other's changes. ",
            A("About", href=url("about")),
            " · ",
            A("Admin", href="/admin/"),
            cls="info",
        ),
        Div(id="live", init=datastar_action(Todo.updates, options=LIVE)),
        title="todos",
        request=request,
        head=[Style(CSS, nonce=csp_nonce(request)), Link(rel="icon", href="data:,")],
        signals={
            "title": "",
            "open": Todo.count(completed=False),
            "total": Todo.count(),
            "filter": "all",
            "_editing": "",  # the id of the todo being edited (not sent to the server)
            "_nitroError": False,  # set by failed actions, cleared by successful ones
        },
    )


@component
def todo_list(todos: Iterable[Todo]) -> str:
    return Ul(*(item(todo) for todo in todos), id="todo-list")


@component
def item(todo: Todo) -> str:
    ident = json.dumps(str(todo.id))  # a JavaScript string
    done = "true" if todo.completed else "false"
    return Li(
        Div(
            Input(
                type="checkbox",
                checked=todo.completed,
                on_change=datastar_action(todo.toggle),
                aria_label=f"Toggle {todo.title}",
                cls="toggle",
            ),
            Label(
                todo.title,
                cls="title",
                title="Double-click to edit",
                # The edit box starts from the title as it is now, whatever it held before.
                on_dblclick=f"$_editing = {ident}; "
                "el.closest('li').querySelector('.edit').value = el.textContent",
            ),
            Button(
                "×",
                on_click=datastar_action(todo.discard),
                aria_label=f"Delete {todo.title}",
                cls="destroy",
            ),
            cls="view",
            show=f"$_editing !== {ident}",
        ),
        Form(
            Input(
                name="title",
                value=todo.title,
                aria_label=f"Rename {todo.title}",
                cls="edit",
                # Changes streamed in while one types must not reset what is typed.
                ignore_morph=True,
                effect=f"$_editing === {ident} && el.focus()",
                on_keydown="evt.key === 'Escape' && ($_editing = '')",
                on_blur=f"$_editing === {ident} && ($_editing = '')",
            ),
            on_submit__prevent=datastar_action(todo.rename, options={"contentType": "form"})
            + "; $_editing = ''",
            show=f"$_editing === {ident}",
        ),
        id=f"todo-{todo.id}",
        cls="completed" if todo.completed else None,
        show=f"$filter === 'all' || ($filter === 'completed') === {done}",
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
