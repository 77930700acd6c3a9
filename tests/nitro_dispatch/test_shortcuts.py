"""Entities in Django views: get_or_404(), generic views, and the error for a model's place."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.shortcuts import aget_object_or_404, get_list_or_404, get_object_or_404
from django.test import RequestFactory, SimpleTestCase, TestCase
from django.urls import reverse
from django.views.generic import DetailView, ListView

from tests.todos.entities import Counter, Todo

NOT_A_MODEL = (
    "Todo is a nitro_dispatch Entity, not a Django model: Django's model shortcuts and generic "
    "views cannot query it. Use Todo.get_or_404(id) instead of get_object_or_404(Todo, ...); in "
    "a generic view, leave model unset and return Todo.all() (or Todo.filter(...)) from "
    "get_queryset(), or Todo.get_or_404(...) from get_object()."
)


class GetOr404Tests(TestCase):
    def test_get_or_404_returns_the_entity(self):
        todo = Todo.create(title="a")
        assert Todo.get_or_404(todo.id) == todo

    def test_get_or_404_of_a_missing_id_raises_http404(self):
        with pytest.raises(Http404) as excinfo:
            Todo.get_or_404("missing")
        assert str(excinfo.value) == "Todo with id 'missing' not found."

    def test_get_or_404_of_an_id_the_key_cannot_hold_raises_http404(self):
        # Django's get_object_or_404() raises ValueError here; no row can have this id.
        with pytest.raises(Http404) as excinfo:
            Counter.get_or_404("abc")
        assert str(excinfo.value) == "Counter with id 'abc' not found."


class NotAModelTests(SimpleTestCase):
    # A SimpleTestCase: the error comes before any query.
    def test_get_object_or_404_says_what_to_use(self):
        with pytest.raises(TypeError) as excinfo:
            get_object_or_404(Todo, pk=1)  # type: ignore[type-var]
        assert str(excinfo.value) == NOT_A_MODEL

    def test_get_object_or_404_with_a_positional_id_says_what_to_use(self):
        # Before, Todo.get("x") ran and the shortcut returned None for a missing id.
        with pytest.raises(TypeError) as excinfo:
            get_object_or_404(Todo, "x")  # type: ignore[type-var]
        assert str(excinfo.value) == NOT_A_MODEL

    def test_get_list_or_404_says_what_to_use(self):
        with pytest.raises(TypeError) as excinfo:
            get_list_or_404(Todo, completed=False)  # type: ignore[type-var]
        assert str(excinfo.value) == NOT_A_MODEL

    async def test_aget_object_or_404_says_what_to_use(self):
        with pytest.raises(TypeError) as excinfo:
            await aget_object_or_404(Todo, pk=1)  # type: ignore[type-var]
        assert str(excinfo.value) == NOT_A_MODEL

    def test_list_view_with_model_says_what_to_use(self):
        view = ListView.as_view(model=Todo, template_name="generic/todo_list.html")
        with pytest.raises(TypeError) as excinfo:
            view(RequestFactory().get("/"))
        assert str(excinfo.value) == NOT_A_MODEL

    def test_detail_view_with_model_says_what_to_use(self):
        view = DetailView.as_view(model=Todo, template_name="generic/todo_detail.html")
        with pytest.raises(TypeError) as excinfo:
            view(RequestFactory().get("/"), pk="x")
        assert str(excinfo.value) == NOT_A_MODEL

    def test_error_names_the_entity(self):
        with pytest.raises(TypeError) as excinfo:
            get_object_or_404(Counter, pk=1)  # type: ignore[type-var]
        assert str(excinfo.value).startswith("Counter is a nitro_dispatch Entity, not a Django")

    def test_probes_do_not_raise(self):
        # hasattr() as Django's shortcuts probe a class, and protocol probes (escaping, copy).
        assert (
            hasattr(Todo, "_default_manager"),
            hasattr(Todo(title="a")._default_manager, "__html__"),
        ) == (True, False)


class GenericViewTests(TestCase):
    def test_list_view_pages_entities(self):
        for title in "cab":
            Todo.create(title=title)
        response = self.client.get(reverse("generic-todo-list"), {"page": 2})
        assert (
            response.status_code,
            response.content,
            [todo.title for todo in response.context["todos"]],
            response.context["is_paginated"],
        ) == (200, b"<ul><li>c</li></ul> page 2 of 2\n", ["c"], True)

    def test_list_view_of_no_entities(self):
        response = self.client.get(reverse("generic-todo-list"))
        assert (response.status_code, response.content) == (200, b"<ul></ul> page 1 of 1\n")

    def test_list_view_page_beyond_the_last_is_404(self):
        Todo.create(title="a")
        response = self.client.get(reverse("generic-todo-list"), {"page": 2})
        assert response.status_code == 404

    def test_detail_view_shows_the_entity(self):
        todo = Todo.create(title="a", completed=True)
        response = self.client.get(reverse("generic-todo-detail", args=[todo.id]))
        assert (response.status_code, response.content, response.context["todo"]) == (
            200,
            b"<h1>a</h1> done\n",
            todo,
        )

    def test_detail_view_of_a_missing_id_is_404(self):
        response = self.client.get(reverse("generic-todo-detail", args=["missing"]))
        assert response.status_code == 404
