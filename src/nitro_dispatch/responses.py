"""What actions return, and how it reaches the client.

A Datastar request (``Datastar-Request: true``) gets ``text/event-stream`` in Datastar's wire
format (see _sse.py): markup (anything with ``__html__``) is a ``datastar-patch-elements``
event; a dict, a pydantic model or an entity is a ``datastar-patch-signals`` event; the objects
made by :func:`patch`, :func:`signals`, :func:`remove` and :func:`redirect` are their events; a
list sends several in one response; ``None`` is ``204 No Content``. A generator streams its
items as they come, with ``: ping`` heartbeats (a HEAD request gets its headers without running
it). Other clients get HTML for markup, JSON for data, a redirect for :func:`redirect`, and 204
for ``None``.
"""

from __future__ import annotations

import contextvars
from collections.abc import AsyncIterator, Generator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from datastar_py.consts import ElementPatchMode
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from pydantic import BaseModel

from rustytags_backend.html import Div

from . import _sse
from ._js import js_arguments
from .streams import SSE_HEADERS, stream_response

__all__ = [
    "Patch",
    "Redirect",
    "Remove",
    "Signals",
    "fragment",
    "is_datastar",
    "patch",
    "redirect",
    "remove",
    "signals",
    "to_response",
]

_JSON: Final = DjangoJSONEncoder(separators=(",", ":"), ensure_ascii=False)
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "nitro_dispatch_request", default=None
)


def is_datastar(request: HttpRequest) -> bool:
    """Whether *request* was sent by the Datastar client."""
    return request.headers.get("Datastar-Request") == "true"


@dataclass(frozen=True)
class Patch:
    """Patch elements into the page (a ``datastar-patch-elements`` event)."""

    elements: str
    selector: str | None = None
    mode: str | None = None
    use_view_transition: bool | None = None
    namespace: str | None = None

    def event(self) -> str:
        data = []
        if self.mode not in (None, "outer"):
            data.append(("mode", str(self.mode)))
        if self.selector:
            data.append(("selector", self.selector))
        if self.use_view_transition:
            data.append(("useViewTransition", "true"))
        if self.namespace not in (None, "html"):
            data.append(("namespace", str(self.namespace)))
        if self.elements:
            data.append(("elements", self.elements))
        return _sse.event(_sse.PATCH_ELEMENTS, data)


@dataclass(frozen=True)
class Signals:
    """Patch signals (a ``datastar-patch-signals`` event); ``None`` values delete signals."""

    values: Mapping[str, Any]
    only_if_missing: bool | None = None

    def event(self) -> str:
        data = [("onlyIfMissing", "true")] if self.only_if_missing else []
        data.append(("signals", _JSON.encode(self.values)))
        return _sse.event(_sse.PATCH_SIGNALS, data)


@dataclass(frozen=True)
class Remove:
    """Remove the elements matching *selector*."""

    selector: str

    def event(self) -> str:
        return Patch("", self.selector, "remove").event()


@dataclass(frozen=True)
class Redirect:
    """Send the browser to *url* (a patch for Datastar; a 302 for other clients)."""

    url: str

    def event(self) -> str:
        # Not an inline <script>: under a Content-Security-Policy it would need the page's
        # nonce, which this response cannot know. A Datastar expression runs wherever Datastar
        # itself does (the policy must allow its expressions: 'unsafe-eval').
        go = f"el.remove(); setTimeout(() => window.location.assign({js_arguments(self.url)}))"
        return Patch(Div(hidden=True, data_init=go), selector="body", mode="append").event()


def fragment(template_name: str | list[str], /, **context: Any) -> SafeString:
    """Render a component or any template by name, with the current action's request."""
    return mark_safe(render_to_string(template_name, context, current_request.get()))


def patch(
    elements: Any,
    /,
    *,
    selector: str | None = None,
    mode: str | None = None,
    use_view_transition: bool | None = None,
    namespace: str | None = None,
    **context: Any,
) -> Patch:
    """A patch of *elements*: markup, or a template name rendered with *context*.

    *mode* is one of outer (default), inner, replace, prepend, append, before, after, remove;
    all but outer and replace need a *selector*.
    """
    if mode is not None and mode not in ElementPatchMode._value2member_map_:
        modes = ", ".join(ElementPatchMode._value2member_map_)
        raise ValueError(f"Unknown patch mode {mode!r}; use one of: {modes}.")
    if mode not in (None, "outer", "replace") and selector is None:
        raise ValueError(f"A patch with mode={mode!r} needs a selector.")
    if not hasattr(elements, "__html__"):
        if not isinstance(elements, str | list):
            raise TypeError(f"patch() takes markup or a template name, not {elements!r}.")
        elements = fragment(elements, **context)
    return Patch(str(elements.__html__()), selector, mode, use_view_transition, namespace)


def signals(values: Mapping[str, Any] | None = None, /, *, only_if_missing: bool | None = None,
            **more: Any) -> Signals:  # fmt: skip
    """A signals patch: ``signals(count=3)`` or ``signals({"user": {...}})``."""
    return Signals({**(values or {}), **more}, only_if_missing)


def remove(selector: str) -> Remove:
    """Remove every element matching *selector* from the page."""
    return Remove(selector)


def redirect(url: str) -> Redirect:
    """Send the browser to *url*."""
    return Redirect(url)


def _item(value: Any) -> Patch | Signals | Remove | Redirect:
    if isinstance(value, Patch | Signals | Remove | Redirect):
        return value
    if hasattr(value, "__html__"):
        return Patch(str(value.__html__()))
    if isinstance(value, BaseModel):
        return Signals(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return Signals(value)
    raise TypeError(
        f"An action returned {value!r}; return markup (a tag, fragment(), anything with "
        "__html__), a dict or model (signals), patch()/signals()/remove()/redirect() objects, "
        "a list of those, a generator of those, an HttpResponse, or None."
    )


def events(result: Any) -> str:
    """The SSE events for *result* (one returned value, or one item of a stream)."""
    return "".join(item.event() for item in _items(result))


def _items(result: Any) -> list[Patch | Signals | Remove | Redirect]:
    values = result if isinstance(result, list | tuple) else [result]
    return [_item(value) for value in values if value is not None]


def to_response(request: HttpRequest, result: Any, status: int = 200) -> HttpResponseBase:
    """Turn an action's return value into the response for *request*."""
    if isinstance(result, HttpResponseBase):
        if is_datastar(request) and isinstance(result, HttpResponseRedirect):
            result = _items(Redirect(result.url))
        else:
            return result
    if isinstance(result, Iterator | AsyncIterator):
        if request.method == "HEAD":
            # Servers drop a HEAD response's body but still run it: an endless stream would
            # run for ever. An async generator not yet started needs no closing.
            if isinstance(result, Generator):
                result.close()
            result = iter(())
        return stream_response(request, result, events)
    items = _items(result)
    if not items:
        return HttpResponse(status=204)
    response: HttpResponseBase
    if is_datastar(request):
        body = "".join(item.event() for item in items)
        response = HttpResponse(body, content_type="text/event-stream", headers=SSE_HEADERS)
    else:
        response = _plain(items, status)
    response["Vary"] = "Datastar-Request"
    return response


def _plain(items: list[Patch | Signals | Remove | Redirect], status: int) -> HttpResponseBase:
    markup = "".join(item.elements for item in items if isinstance(item, Patch))
    if markup:
        return HttpResponse(markup, status=status)
    data: dict[str, Any] = {}
    for item in items:
        if isinstance(item, Redirect):
            return HttpResponseRedirect(item.url)
        if isinstance(item, Signals):
            data.update(item.values)
    if data:
        return JsonResponse(data, status=status, encoder=DjangoJSONEncoder)
    return HttpResponse(status=204)
