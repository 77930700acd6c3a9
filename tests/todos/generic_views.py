"""Django's generic views over entities, as docs/dispatcher.md shows them."""

from __future__ import annotations

from django.views.generic import DetailView, ListView

from tests.todos.entities import Todo


class TodoListView(ListView):  # type: ignore[type-arg]
    # No model: the list comes from get_queryset(), read at each request.
    template_name = "generic/todo_list.html"
    context_object_name = "todos"
    paginate_by = 2

    def get_queryset(self):
        return Todo.where(order_by="title")


class TodoDetailView(DetailView):  # type: ignore[type-arg]
    template_name = "generic/todo_detail.html"
    context_object_name = "todo"

    def get_object(self, queryset=None):
        return Todo.get_or_404(self.kwargs["pk"])
