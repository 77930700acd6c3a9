from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from todos.entities import Todo


def index(request: HttpRequest) -> HttpResponse:
    """The app: a page written as a component (todos/components/todos.py)."""
    return render(request, "todos/page.html", {"todos": Todo.where(order_by="created")})


def about(request: HttpRequest) -> HttpResponse:
    """A page written as a Django template, which embeds a component."""
    return render(request, "todos/about.html", {"total": Todo.count()})
