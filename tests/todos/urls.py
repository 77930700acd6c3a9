from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.urls import path

from tests.todos.entities import Todo


def csrf(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"token": get_token(request)})


async def open_todos(request: HttpRequest) -> JsonResponse:
    # The entity API is synchronous: from async code, call it through sync_to_async.
    return JsonResponse({"open": await sync_to_async(Todo.count)(completed=False)})


urlpatterns = [
    path("csrf/", csrf, name="csrf"),
    path("async/open/", open_todos, name="async-open"),
]
