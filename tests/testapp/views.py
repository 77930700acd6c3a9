from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.views.generic import DetailView, TemplateView

from tests.testapp.models import Item


def hello(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/hello.html", {"name": request.GET.get("name", "world")})


def with_message(request: HttpRequest) -> HttpResponse:
    messages.info(request, "Saved <b>")
    return render(request, "pages/with_request.html")


def embed(request: HttpRequest) -> HttpResponse:
    return render(request, "testapp/embed.html", {"name": "<Ann>"})


def embed_csrf(request: HttpRequest) -> HttpResponse:
    return render(request, "testapp/embed_csrf.html")


def template_response(request: HttpRequest) -> TemplateResponse:
    return TemplateResponse(request, "pages/hello.html", {"name": "response"})


class HelloView(TemplateView):
    template_name = "pages/hello.html"

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        return {**super().get_context_data(**kwargs), "name": "class-based"}


class ItemDetailView(DetailView):  # type: ignore[type-arg]
    model = Item

    def get_object(self, queryset: object = None) -> Item:
        return Item(pk=7, title="Seventh <item>")
