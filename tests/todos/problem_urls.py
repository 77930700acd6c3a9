from __future__ import annotations

from django.urls import include, path

from nitro_dispatch import DjangoDispatcher
from tests.todos.problems import Clash

urlpatterns = [path("api/", include(DjangoDispatcher(entities=[Clash], namespace="problems").urls))]
