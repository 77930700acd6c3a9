from __future__ import annotations

from django.contrib import admin
from django.http import HttpResponse
from django.urls import include, path
from todos import views

from nitro_dispatch import DjangoDispatcher

urlpatterns = [
    path("", views.index, name="index"),
    path("about/", views.about, name="about"),
    path("api/", include(DjangoDispatcher().urls)),
    path("admin/", admin.site.urls),
    # Browsers ask every page for one; the admin's pages name none.
    path("favicon.ico", lambda request: HttpResponse(status=204)),
]
