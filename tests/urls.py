from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from nitro_dispatch import DjangoDispatcher

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("tests.testapp.urls")),
    path("", include("tests.todos.urls")),
    path("api/", include(DjangoDispatcher().urls)),
]
