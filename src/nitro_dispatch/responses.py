"""What actions return, and how it reaches the client.

A Datastar request (``Datastar-Request: true``) gets ``text/event-stream`` in Datastar's wire
format (see _sse.py): markup (an object whose type defines ``__html__``) is a
``datastar-patch-elements`` event; a dict, a pydantic model or an entity is a
``datastar-patch-signals`` event; the objects made by :func:`patch`, :func:`signals`,
:func:`remove` and :func:`redirect` are their events; a list holding any of those sends several
in one response. Other values are data, patched as the signal ``result``: a number, a string, a
list of entities. ``None`` is ``204 No Content``. A generator streams its items as they come,
with ``: ping`` heartbeats (a HEAD request gets its headers without running it).

Other clients get Nitro's shapes: JSON for data (a dict as it is, a model's ``model_dump()``, a
list as a JSON list, any other value as ``{"result": value}``, ``None`` as ``{"status":
"success", "message": "<action> completed"}``), HTML for markup, a redirect for
:func:`redirect`. rusty-tags objects are refused (TypeError): they escape nothing.
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

from rustytags_backend._html_string import trusted_html
from rustytags_backend.html import Div

from . import _sse
from ._js import js_arguments
from .live._feed import Feed
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


class _Encoder(DjangoJSONEncoder):
    """Django's JSON encoder, which also writes pydantic models (entities included) as their
    JSON-mode ``model_dump()``, wherever they are in the data."""

    def default(self, o: Any) -> Any:
        if isinstance(o, BaseModel):
            return o.model_dump(mode="json")
        return super().default(o)


_JSON: Final = _Encoder(separators=(",", ":"), ensure_ascii=False)
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


class Signals(dict[str, Any]):
    """A signals patch (a ``datastar-patch-signals`` event): a dict of signal values, where
    ``None`` deletes a signal.

    A dict, so it is also what rusty-tags' ``signals(...)`` was: ``Div(signals=signals(count=0))``
    declares the signals in a component, and an action returning it patches them.
    *only_if_missing* sets only the signals the page does not have yet.
    """

    __slots__ = ("only_if_missing",)

    def __init__(
        self, values: Mapping[str, Any] | None = None, only_if_missing: bool | None = None
    ) -> None:
        super().__init__(values or {})
        self.only_if_missing = only_if_missing

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Signals) and other.only_if_missing != self.only_if_missing:
            return False
        return super().__eq__(other)

    def __ne__(self, other: object) -> bool:
        if isinstance(other, Signals) and other.only_if_missing != self.only_if_missing:
            return True
        return super().__ne__(other)

    def __repr__(self) -> str:
        return f"Signals({dict.__repr__(self)}, only_if_missing={self.only_if_missing!r})"

    def event(self) -> str:
        data = [("onlyIfMissing", "true")] if self.only_if_missing else []
        data.append(("signals", _JSON.encode(self)))
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


Event = Patch | Signals | Remove | Redirect
_EVENTS: Final = (Patch, Signals, Remove, Redirect)


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
    all but outer and replace need a *selector*. Markup is an object whose type defines
    ``__html__`` (a tag, ``fragment()``, ``mark_safe()``); rusty-tags objects are refused with
    a TypeError, as they escape nothing.
    """
    if mode is not None and mode not in ElementPatchMode._value2member_map_:
        modes = ", ".join(ElementPatchMode._value2member_map_)
        raise ValueError(f"Unknown patch mode {mode!r}; use one of: {modes}.")
    if mode not in (None, "outer", "replace") and selector is None:
        raise ValueError(f"A patch with mode={mode!r} needs a selector.")
    markup = trusted_html(elements)
    if markup is None:
        if not isinstance(elements, str | list):
            raise TypeError(f"patch() takes markup or a template name, not {elements!r}.")
        markup = str(fragment(elements, **context))
    return Patch(markup, selector, mode, use_view_transition, namespace)


def signals(values: Mapping[str, Any] | None = None, /, *, only_if_missing: bool | None = None,
            **more: Any) -> Signals:  # fmt: skip
    """A signals patch: ``signals(count=3)`` or ``signals({"user": {...}})``.

    A dict: ``Div(signals=signals(count=0))`` works as with rusty-tags' ``signals()``.
    """
    return Signals({**(values or {}), **more}, only_if_missing)


def remove(selector: str) -> Remove:
    """Remove every element matching *selector* from the page."""
    return Remove(selector)


def redirect(url: str) -> Redirect:
    """Send the browser to *url*."""
    return Redirect(url)


def _event_of(value: Any) -> Event | None:
    """*value* as the patch it is (a patch object, or markup), or None for data."""
    if isinstance(value, _EVENTS):
        return value
    markup = trusted_html(value)  # TypeError for rusty-tags objects
    return None if markup is None else Patch(markup)


def _data(value: Any) -> Any:
    return value.model_dump(mode="json") if isinstance(value, BaseModel) else value


def _signals_of(value: Any) -> Signals | None:
    if isinstance(value, BaseModel):
        return Signals(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return Signals(value)
    return None


def _several(values: list[Any] | tuple[Any, ...]) -> list[Event] | None:
    """The patches of a list holding a patch object or markup, else None (a list of data)."""
    found = [_event_of(value) for value in values]
    if all(event is None for event in found):
        return None
    events: list[Event] = []
    for value, event in zip(values, found, strict=True):
        if event is None and value is not None:
            event = _signals_of(value)
            if event is None:
                raise TypeError(
                    f"An action returned a list of patches holding {value!r}: a list of patches "
                    "holds markup, patch()/signals()/remove()/redirect() objects, dicts and "
                    "models. Return data apart, as signals: signals(name=value)."
                )
        if event is not None:
            events.append(event)
    return events


def _items(result: Any) -> list[Event]:
    """The events a Datastar client gets for *result* (see the module's docstring)."""
    if result is None:
        return []
    if isinstance(result, list | tuple):
        events = _several(result)
        if events is not None:
            return events
        # Data, as Nitro answers it; Datastar patches the signals with a JSON object, so a
        # collection is named, as Nitro names any value that is not an object.
        return [Signals({"result": [_data(value) for value in result]})] if result else []
    event = _event_of(result)
    if event is not None:
        return [event]
    values = _signals_of(result)
    return [values if values is not None else Signals({"result": result})]


def events(result: Any) -> str:
    """The SSE events for *result* (one returned value, or one item of a stream)."""
    return "".join(item.event() for item in _items(result))


def to_response(
    request: HttpRequest, result: Any, status: int = 200, *, name: str = ""
) -> HttpResponseBase:
    """Turn what the action *name* returned into the response for *request*.

    *status* is the action's status_code, for plain clients.
    """
    if isinstance(result, HttpResponseBase):
        if is_datastar(request) and isinstance(result, HttpResponseRedirect):
            result = Redirect(result.url)
        else:
            return result
    if isinstance(result, Feed):
        return result.to_response()
    if isinstance(result, Iterator | AsyncIterator):
        if request.method == "HEAD":
            # Servers drop a HEAD response's body but still run it: an endless stream would
            # run for ever. An async generator not yet started needs no closing.
            if isinstance(result, Generator):
                result.close()
            result = iter(())
        return stream_response(request, result, events)
    response: HttpResponseBase
    if is_datastar(request):
        items = _items(result)
        if not items:
            return HttpResponse(status=204)
        body = "".join(item.event() for item in items)
        response = HttpResponse(body, content_type="text/event-stream", headers=SSE_HEADERS)
    else:
        response = _plain(result, status, name)
    response["Vary"] = "Datastar-Request"
    return response


def _plain(result: Any, status: int, name: str) -> HttpResponseBase:
    if result is None:
        if status == 204:
            return HttpResponse(status=204)
        return _json({"status": "success", "message": f"{name} completed"}, status)
    # A 204 has no body: an answer that has one is sent with 200.
    status = 200 if status == 204 else status
    if isinstance(result, list | tuple):
        several = _several(result)
        if several is None:
            return _json([_data(value) for value in result], status)
        return _plain_events(several, status)
    event = _event_of(result)
    if event is not None:
        return _plain_events([event], status)
    if isinstance(result, BaseModel | Mapping):
        return _json(_data(result), status)
    return _json({"result": result}, status)


def _json(data: Any, status: int) -> JsonResponse:
    return JsonResponse(data, status=status, encoder=_Encoder, safe=False)


def _plain_events(items: list[Event], status: int) -> HttpResponseBase:
    markup = "".join(item.elements for item in items if isinstance(item, Patch))
    if markup:
        return HttpResponse(markup, status=status)
    data: dict[str, Any] = {}
    for item in items:
        if isinstance(item, Redirect):
            return HttpResponseRedirect(item.url)
        if isinstance(item, Signals):
            data.update(item)
    if data:
        return _json(data, status)
    return HttpResponse(status=204)
