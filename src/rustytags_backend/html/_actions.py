"""Datastar 1.0 backend actions (``@get(url, options)`` ...) and RustyTags' ``DS`` helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import urlencode

from ._expressions import Expr, _JSRaw, to_js
from ._helpers import object_literal
from ._signals import Signal

__all__ = ["DS", "delete", "get", "patch", "post", "put"]

# The options of Datastar 1.0's fetch actions, also under datastar-py's snake_case names.
_OPTIONS: Final = {
    name: name
    for name in (
        "contentType",
        "filterSignals",
        "selector",
        "headers",
        "openWhenHidden",
        "payload",
        "retry",
        "retryInterval",
        "retryScaler",
        "retryMaxWait",
        "retryMaxCount",
        "requestCancellation",
    )
} | {
    "content_type": "contentType",
    "filter_signals": "filterSignals",
    "open_when_hidden": "openWhenHidden",
    "retry_interval": "retryInterval",
    "retry_scaler": "retryScaler",
    "retry_max_wait": "retryMaxWait",
    "retry_max_count": "retryMaxCount",
    "request_cancellation": "requestCancellation",
}


def _fetch(
    method: str, url: object, options: Mapping[str, Any], payload: Mapping[str, Any] | Expr
) -> Expr:
    if not isinstance(url, str | Expr):
        raise TypeError(f"The URL of @{method}() must be a str or an expression, got {url!r}.")
    settings = dict(options)
    if isinstance(payload, Expr) or payload:
        if "payload" in settings:
            raise TypeError(f"@{method}() got payload= and data to send as well; pass one.")
        settings["payload"] = payload
    arguments = to_js(url) + (", " + object_literal(settings.items()) if settings else "")
    return _JSRaw(f"@{method}({arguments})", grouped=True)


def _options(method: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Datastar's names for *options*; a name that is not an option is a TypeError."""
    named: dict[str, Any] = {}
    for key, item in options.items():
        option = _OPTIONS.get(key)
        if option is None:
            raise TypeError(
                f"Unknown Datastar option {key!r} for @{method}(); the options are: "
                f"{', '.join(_OPTIONS)}."
            )
        if option in named:
            raise TypeError(f"@{method}() got the option {option!r} twice; pass it once.")
        named[option] = item
    return named


def _payload(method: str, data: object, fields: Mapping[str, Any]) -> Mapping[str, Any] | Expr:
    if data is None:
        return fields
    if isinstance(data, Expr):
        if fields:
            raise TypeError(f"@{method}() got data={data} and data fields {sorted(fields)}.")
        return data
    if not isinstance(data, Mapping):
        raise TypeError(
            f"data= takes a dict of values to send, or an expression such as a Signal, "
            f"got {data!r}."
        )
    return {**data, **fields}


def _action(method: str, url: object, data: object, kwargs: Mapping[str, Any]) -> Expr:
    options = {key: item for key, item in kwargs.items() if key in _OPTIONS}
    fields = {key: item for key, item in kwargs.items() if key not in _OPTIONS}
    return _fetch(method, url, _options(method, options), _payload(method, data, fields))


def post(url: str | Expr, data: Mapping[str, Any] | Expr | None = None, **kwargs: Any) -> Expr:
    """``@post(url, options)``: send a POST request from the page.

    Keyword arguments named after Datastar options (``headers``, ``contentType`` or
    ``content_type``, ``selector``, ``retry``, ...) go into the options; *data* and any
    other keyword arguments are the values to send (the ``payload`` option), Python values as
    literals and expressions (``name=user.name``) as code. Without them Datastar sends the
    signals. *url* is a str, or an expression such as ``f("/todos/{id}", id=todo_id)``.
    """
    return _action("post", url, data, kwargs)


def get(url: str | Expr, data: Mapping[str, Any] | Expr | None = None, **kwargs: Any) -> Expr:
    """``@get(url, options)``: like ``post()``; Datastar sends the values in the query."""
    return _action("get", url, data, kwargs)


def put(url: str | Expr, data: Mapping[str, Any] | Expr | None = None, **kwargs: Any) -> Expr:
    """``@put(url, options)``: like ``post()``."""
    return _action("put", url, data, kwargs)


def patch(url: str | Expr, data: Mapping[str, Any] | Expr | None = None, **kwargs: Any) -> Expr:
    """``@patch(url, options)``: like ``post()``."""
    return _action("patch", url, data, kwargs)


def delete(url: str | Expr, data: Mapping[str, Any] | Expr | None = None, **kwargs: Any) -> Expr:
    """``@delete(url, options)``: like ``post()``; Datastar sends the values in the query."""
    return _action("delete", url, data, kwargs)


def _ref(signal: str | Signal) -> str:
    return (signal if isinstance(signal, Signal) else Signal(signal)).to_js()


def _amount(amount: object) -> str:
    if isinstance(amount, bool) or not isinstance(amount, int | float | Expr):
        raise TypeError(f"The amount must be a number or an expression, got {amount!r}.")
    return to_js(amount)


def _sender(method: str, url: str, target: object, data: object, fields: dict[str, Any]) -> str:
    options = fields.pop("_ds_options", None) or {}
    if target is not None:
        raise TypeError(
            f"DS.{method}(target={target!r}): Datastar 1.0 has no @target(); the response "
            "says where its elements go (an id on each, or a selector in patch_elements)."
        )
    if isinstance(data, str):
        raise TypeError(
            f"DS.{method}(data={data!r}): pass a dict of values, or an expression such as a "
            "Signal or js('$form'); a str is sent as text, not read as code."
        )
    payload = _payload(method, data, fields)
    return str(_fetch(method, url, _options(method, options), payload))


class DS:
    """RustyTags' action and signal helpers; each returns the expression as a str.

    ``DS.get(url, **params)`` puts *params* in the query string; ``DS.post/put/patch(url,
    data=..., **fields)`` send *data* and *fields* as the payload, and every method takes
    ``_ds_options={...}``, Datastar's fetch options (``{"headers": {...}}``). Signal names
    are names (``"count"``) or Signals; values are literals, expressions are code.
    """

    @staticmethod
    def get(url: str, **params: Any) -> str:
        """``@get('url?params', options)``."""
        options = params.pop("_ds_options", None) or {}
        if params:
            url = f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"
        return str(_fetch("get", url, _options("get", options), {}))

    @staticmethod
    def post(url: str, target: str | None = None, data: Any = None, **extra_data: Any) -> str:
        """``@post('url', {payload: {...}})``."""
        return _sender("post", url, target, data, extra_data)

    @staticmethod
    def put(url: str, target: str | None = None, data: Any = None, **extra_data: Any) -> str:
        """``@put('url', {payload: {...}})``."""
        return _sender("put", url, target, data, extra_data)

    @staticmethod
    def patch(url: str, target: str | None = None, data: Any = None, **extra_data: Any) -> str:
        """``@patch('url', {payload: {...}})``."""
        return _sender("patch", url, target, data, extra_data)

    @staticmethod
    def delete(
        url: str, target: str | None = None, *, _ds_options: Mapping[str, Any] | None = None
    ) -> str:
        """``@delete('url')``."""
        return _sender("delete", url, target, None, {"_ds_options": _ds_options})

    @staticmethod
    def set(signal: str | Signal, value: Any) -> str:
        """``$signal = value``."""
        return f"{_ref(signal)} = {to_js(value)}"

    @staticmethod
    def toggle(signal: str | Signal) -> str:
        """``$signal = !$signal``."""
        ref = _ref(signal)
        return f"{ref} = !{ref}"

    @staticmethod
    def increment(signal: str | Signal, amount: int | float | Expr = 1) -> str:
        """``$signal += amount``."""
        return f"{_ref(signal)} += {_amount(amount)}"

    @staticmethod
    def decrement(signal: str | Signal, amount: int | float | Expr = 1) -> str:
        """``$signal -= amount``."""
        return f"{_ref(signal)} -= {_amount(amount)}"

    @staticmethod
    def append(signal: str | Signal, value: Any) -> str:
        """``$signal.push(value)``."""
        return f"{_ref(signal)}.push({to_js(value)})"

    @staticmethod
    def remove(signal: str | Signal, index: int | Expr | None = None, value: Any = None) -> str:
        """``$signal.splice(index, 1)``, the same for the first *value*, or ``$signal.pop()``."""
        ref = _ref(signal)
        if index is not None:
            if isinstance(index, bool) or not isinstance(index, int | Expr):
                raise TypeError(f"index= takes an int or an expression, got {index!r}.")
            return f"{ref}.splice({to_js(index)}, 1)"
        if value is not None:
            return f"{ref}.splice({ref}.indexOf({to_js(value)}), 1)"
        return f"{ref}.pop()"

    @staticmethod
    def chain(*actions: Any) -> str:
        """The actions one after another: ``a; b``; empty ones are left out."""
        return "; ".join(str(action) for action in actions if action)

    @staticmethod
    def conditional(condition: Any, true_action: Any, false_action: Any = None) -> str:
        """``condition ? (a) : (b)``, or ``condition && (a)``; str arguments are code."""
        if false_action:
            return f"{condition} ? ({true_action}) : ({false_action})"
        return f"{condition} && ({true_action})"
