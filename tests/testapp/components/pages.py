"""Components for the backend's tests."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest
from markupsafe import Markup

from rustytags_backend import component, render_template
from rustytags_backend.html import Div, Li, P, Ul


class NameForm(forms.Form):
    name = forms.CharField()

    class Media:
        js: ClassVar = ["form.js"]


@component
def hello(name: str) -> str:
    return P("Hello ", name, "!")


@component
def with_csrf(csrf_input: str) -> str:
    return csrf_input


@component
def everything(**context: Any) -> str:
    return Ul(Li(key, "=", repr(context[key])) for key in sorted(context) if key != "request")


@component
def needs_two(first: str, second: str, third: str = "3") -> str:
    return P(first, second, third)


@component
def plain_text() -> str:
    return "<b>not markup</b>"


@component
def passthrough(value: Any) -> Any:
    return value


@component
def markup() -> Markup:
    return Markup("<i>markup</i>")


@component
def form_parts() -> str:
    form = NameForm()
    return Div(form.media, form, form["name"])


@component
def with_request(request: HttpRequest, messages: Any = ()) -> str:
    return Div(request.path, Ul(Li(str(message)) for message in messages))


@component
def embeds_template(title: str, request: HttpRequest | None = None) -> str:
    return Div(render_template("testapp/card.html", {"title": title}, request), id="outer")


def not_a_component() -> str:
    return "not marked"


@component("special/alias.html", "special/second")
def aliased() -> str:
    return P("aliased")
