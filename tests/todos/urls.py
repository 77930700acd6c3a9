from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path

from tests.todos.entities import Todo
from tests.todos.generic_views import TodoDetailView, TodoListView


def csrf(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"token": get_token(request)})


async def open_todos(request: HttpRequest) -> JsonResponse:
    # The entity API is synchronous: from async code, call it through sync_to_async.
    return JsonResponse({"open": await sync_to_async(Todo.count)(completed=False)})


urlpatterns = [
    path("csrf/", csrf, name="csrf"),
    path("async/open/", open_todos, name="async-open"),
    path("generic/todos/", TodoListView.as_view(), name="generic-todo-list"),
    path("generic/todos/<str:pk>/", TodoDetailView.as_view(), name="generic-todo-detail"),
]
