"""URLs of bench/dispatch.py: the action, and the same work as a hand-written view."""

from __future__ import annotations

from datastar_py import ServerSentEventGenerator as SSE
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path

from bench.entities import BenchTodo
from nitro_dispatch import DjangoDispatcher


def toggle(request: HttpRequest, id: str) -> HttpResponse:
    # What the action does, written by hand the correct way: the row read locked, in the
    # transaction that changes it.
    with transaction.atomic():
        todo = BenchTodo.get(id, for_update=True)
        if todo is None:
            raise Http404(id)
        todo.completed = not todo.completed
        todo.save()
        html = render_to_string("pages/todo.html", {"todo": todo}, request)
    return HttpResponse(
        SSE.patch_elements(html),
        content_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


urlpatterns = [
    path("api/", include(DjangoDispatcher(entities=[BenchTodo]).urls)),
    path("view/<str:id>/toggle", toggle),
]
