from __future__ import annotations

from django.urls import path

from tests.testapp import views

urlpatterns = [
    path("hello/", views.hello, name="hello"),
    path("message/", views.with_message, name="message"),
    path("embed/", views.embed, name="embed"),
    path("embed-csrf/", views.embed_csrf, name="embed-csrf"),
    path("response/", views.template_response, name="response"),
    path("class-based/", views.HelloView.as_view(), name="class-based"),
    path("items/<int:pk>/", views.ItemDetailView.as_view(), name="item"),
]
