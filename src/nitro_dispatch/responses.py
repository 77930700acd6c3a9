"""What actions return, and how it reaches the client.

A Datastar request (``Datastar-Request: true``) gets ``text/event-stream`` in datastar-py's wire
format: markup (anything with ``__html__``) is a ``datastar-patch-elements`` event; a dict, a
pydantic model or an entity is a ``datastar-patch-signals`` event; the objects made by
:func:`patch`, :func:`signals`, :func:`remove` and :func:`redirect` are their events; a list sends
several in one response; ``None`` is ``204 No Content``. A generator streams its items as they
come, with ``: ping`` heartbeats. Other clients get HTML for markup, JSON for data, a redirect for
:func:`redirect`, and 204 for ``None``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import queue
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

from datastar_py import ServerSentEventGenerator as SSE
from datastar_py.consts import ElementPatchMode
from django.core.serializers.json import DjangoJSONEncoder
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from pydantic import BaseModel

from rustytags_backend.html import Script

from .conf import get_settings

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

SSE_HEADERS: Final = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
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
        mode = ElementPatchMode(self.mode) if self.mode is not None else None
        return SSE.patch_elements(
            self.elements,
            selector=self.selector,
            mode=mode,
            use_view_transition=self.use_view_transition,
            namespace=self.namespace,  # type: ignore[arg-type]
        )


@dataclass(frozen=True)
class Signals:
    """Patch signals (a ``datastar-patch-signals`` event); ``None`` values delete signals."""

    values: Mapping[str, Any]
    only_if_missing: bool | None = None

    def event(self) -> str:
        return SSE.patch_signals(_JSON.encode(self.values), only_if_missing=self.only_if_missing)


@dataclass(frozen=True)
class Remove:
    """Remove the elements matching *selector*."""

    selector: str

    def event(self) -> str:
        return SSE.remove_elements(self.selector)


@dataclass(frozen=True)
class Redirect:
    """Send the browser to *url* (a script patch for Datastar; a 302 for other clients)."""

    url: str

    def event(self) -> str:
        # The URL is JSON-encoded, and Script() keeps it from ending the element.
        script = Script(f"setTimeout(() => window.location = {json.dumps(self.url)})",
                        data_effect="el.remove()")  # fmt: skip
        return SSE.patch_elements(script, selector="body", mode=ElementPatchMode.APPEND)


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
        return _stream(result)
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


def _stream(result: Iterator[Any] | AsyncIterator[Any]) -> StreamingHttpResponse:
    heartbeat = get_settings().HEARTBEAT
    if isinstance(result, AsyncIterator):
        content: Any = _async_events(result, heartbeat)
    else:
        content = _sync_events(result, heartbeat)
    response = StreamingHttpResponse(content, content_type="text/event-stream", headers=SSE_HEADERS)
    # GZipMiddleware buffers a stream until it ends; it leaves encoded responses alone.
    response["Content-Encoding"] = "identity"
    response["Vary"] = "Datastar-Request"
    return response


def _events(value: Any) -> str:
    return "".join(item.event() for item in _items(value))


async def _async_events(result: AsyncIterator[Any], heartbeat: float) -> AsyncIterator[str]:
    pending: asyncio.Future[Any] | None = None
    try:
        while True:
            if pending is None:
                pending = asyncio.ensure_future(anext(result))
            done, _ = await asyncio.wait({pending}, timeout=heartbeat)
            if not done:
                yield ": ping\n\n"
                continue
            try:
                value = pending.result()
            except StopAsyncIteration:
                return
            finally:
                pending = None
            yield _events(value)
    finally:
        if pending is not None:
            # The cancelled step must finish before the generator can be closed.
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        await result.aclose()  # type: ignore[attr-defined]


_END: Final = object()


def _sync_events(result: Iterator[Any], heartbeat: float) -> Iterator[str]:
    # A blocked generator cannot yield heartbeats itself, so it runs in a thread of its own and
    # the response waits on a queue, pinging while nothing comes. The thread stops at the
    # generator's next item after the client has gone.
    items: queue.Queue[tuple[object, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def offer(item: tuple[object, Any]) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def pump() -> None:
        try:
            for value in result:
                if not offer((None, value)):
                    break
            else:
                offer((_END, None))
        except BaseException as exc:  # handed to the response thread, which raises it
            offer((_END, exc))
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=contextvars.copy_context().run, args=(pump,), daemon=True)
    thread.start()
    try:
        while True:
            try:
                marker, value = items.get(timeout=heartbeat)
            except queue.Empty:
                yield ": ping\n\n"
                continue
            if marker is _END:
                if value is not None:
                    raise value
                return
            yield _events(value)
    finally:
        stop.set()
