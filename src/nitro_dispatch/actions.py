"""The @action decorator and its Nitro shortcuts: which entity methods become views, and how."""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.http import HttpRequest

from ._limits import parse_rate

__all__ = [
    "ActionMetadata",
    "action",
    "delete",
    "get",
    "get_action_metadata",
    "has_action_metadata",
    "post",
    "put",
]

F = TypeVar("F")

METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Nitro's attribute name, so tools written for Nitro can read the metadata.
_ATTRIBUTE: Final = "_nitro_action_metadata"
# What may stand in a path= segment: anything but the delimiters of Django's converters and
# of placeholders, which are only allowed as the whole segment "{id}".
PLACEHOLDER: Final = "{id}"
_RESERVED: Final = re.compile(r"[<>{}]")

Permission = str | Callable[[HttpRequest, Any], bool]


def _check_path(path: object) -> None:
    if path is None:
        return
    if not isinstance(path, str):
        raise TypeError(f"@action path must be a string such as 'add' or '/ops/add', not {path!r}.")
    segments = path.strip("/").split("/")
    if segments == [""]:
        raise ValueError(
            f"@action path={path!r} names no URL: give a segment ('add') or a path ('/ops/add')."
        )
    if "" in segments:
        raise ValueError(f"@action path={path!r} has an empty segment: remove the doubled '/'.")
    placeholders = segments.count(PLACEHOLDER)
    bad = [segment for segment in segments if segment != PLACEHOLDER and _RESERVED.search(segment)]
    if bad or placeholders > 1 or (placeholders and len(segments) == 1):
        raise ValueError(
            f"@action path={path!r} may hold one placeholder, {PLACEHOLDER} as a whole segment "
            "of a path of several segments ('/ops/{id}/add'), and no other '<', '>', '{' or '}'."
        )


@dataclass
class ActionMetadata:
    """What @action recorded about a method: Nitro's ActionMetadata fields, then Django's.

    Stored on the method as ``_nitro_action_metadata``, as Nitro stores it. *parameters* maps
    each parameter name to ``{"annotation", "default", "kind"}``; a parameter without a default
    has ``inspect.Parameter.empty`` there (Nitro stores ``None``, the same as a default of
    ``None``). *entity_class_name* is the class the method is defined in.
    """

    method: str = "POST"
    path: str | None = None
    status_code: int = 200
    summary: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    response_model: type | None = None
    function_name: str = ""
    entity_class_name: str = ""
    is_async: bool = False
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)
    requires_auth: bool = False
    rate_limit: str | int | None = None
    cache_ttl: int | None = None
    login_required: bool = False
    permission: Permission | None = None

    def __post_init__(self) -> None:
        verb = self.method.upper()
        if verb not in METHODS:
            choices = ", ".join(METHODS)
            raise ValueError(
                f"Unsupported HTTP method {self.method!r} for @action; use one of: {choices}."
            )
        self.method = verb
        # Values as given, of any type: the annotations say what they should be.
        status: object = self.status_code
        if not (isinstance(status, int) and 100 <= status < 600):
            raise ValueError(
                f"@action status_code must be an HTTP status (100-599), not {status!r}."
            )
        permission = self.permission
        if permission is not None and not (isinstance(permission, str) or callable(permission)):
            raise TypeError(
                f"@action permission must be a permission name or a callable, not {permission!r}."
            )
        _check_path(self.path)
        if self.rate_limit is not None:
            parse_rate(self.rate_limit)
        if self.cache_ttl is not None:
            ttl: object = self.cache_ttl
            if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1:
                raise ValueError(
                    f"@action cache_ttl is a number of seconds (1 or more), not {ttl!r}."
                )
            if verb != "GET":
                raise ValueError(
                    f"@action cache_ttl={ttl!r} caches GET actions only, and this one is "
                    f"{verb}: an answer to a request that changes data cannot be reused."
                )
        # Nitro's requires_auth is Django's login_required: either sets both.
        self.login_required = self.requires_auth = self.login_required or self.requires_auth


def _parameters(function: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    return {
        name: {
            "annotation": None if parameter.annotation is parameter.empty else parameter.annotation,
            "default": parameter.default,
            "kind": parameter.kind.name,
        }
        for name, parameter in inspect.signature(function).parameters.items()
    }


def action(
    method: str = "POST",
    path: str | None = None,
    response_model: type | None = None,
    status_code: int = 200,
    tags: list[str] | None = None,
    summary: str | None = None,
    description: str | None = None,
    requires_auth: bool = False,
    rate_limit: str | int | None = None,
    cache_ttl: int | None = None,
    *,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """Make an entity method a Django view (see DjangoDispatcher).

    Nitro's signature, parameter for parameter. Works on instance methods
    (``/<entity>/<id>/<name>``), classmethods and staticmethods (``/<entity>/<name>``), sync or
    ``async``. A one-segment *path* (``"add"`` or ``"/add"``) replaces ``<name>``; a path of
    several segments (``"/ops/add"``) is the whole URL below the dispatcher's prefix, as in
    Nitro, and an instance method's must hold ``{id}`` (``"/ops/{id}/add"``). *status_code* is
    the status of plain (non-Datastar) successful answers. *summary* defaults to the name in
    title case, *description* to the docstring.

    *login_required* (or Nitro's *requires_auth*) redirects anonymous users to
    ``settings.LOGIN_URL``; *permission* is a Django permission (``"todos.change_todo"``) or a
    callable ``(request, entity_or_class) -> bool``; refusal is a 403. *rate_limit*
    (``"10/minute"``, ``"100/hour"``, ``"5/10s"``, or a number per minute) answers 429 once a
    user (or, signed out, a client address) has made that many requests to the action in the
    period. *cache_ttl* (seconds, GET actions only) reuses each answer for that long, per URL
    and user. CSRF protection stays on for unsafe methods. The method is returned unchanged,
    so it can still be called directly.
    """
    template = ActionMetadata(
        method=method,
        path=path,
        status_code=status_code,
        summary=summary,
        description=description,
        tags=list(tags or []),
        response_model=response_model,
        requires_auth=requires_auth,
        rate_limit=rate_limit,
        cache_ttl=cache_ttl,
        login_required=login_required,
        permission=permission,
    )

    def decorate(function: F) -> F:
        target: Any = getattr(function, "__func__", function)  # under @classmethod
        if not callable(target):
            raise TypeError(f"@action decorates a method, not {function!r}.")
        name = target.__name__
        # The class the method is defined in, by its qualified name ("Todo.toggle").
        owner = target.__qualname__.split(".")
        defined_in = owner[-2] if len(owner) > 1 and owner[-2] != "<locals>" else ""
        metadata = dataclasses.replace(
            template,
            summary=summary or name.replace("_", " ").title(),
            description=description if description is not None else inspect.getdoc(target),
            function_name=name,
            entity_class_name=defined_in,
            is_async=inspect.iscoroutinefunction(target),
            parameters=_parameters(target),
        )
        setattr(target, _ATTRIBUTE, metadata)
        return function

    return decorate


def get(
    path: str | None = None,
    response_model: type | None = None,
    summary: str | None = None,
    description: str | None = None,
    *,
    status_code: int = 200,
    tags: list[str] | None = None,
    requires_auth: bool = False,
    rate_limit: str | int | None = None,
    cache_ttl: int | None = None,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """``@action(method="GET", ...)``, with Nitro's ``get()`` signature."""
    return action("GET", path, response_model, status_code, tags, summary, description,
                  requires_auth, rate_limit, cache_ttl, login_required=login_required,
                  permission=permission)  # fmt: skip


def post(
    path: str | None = None,
    response_model: type | None = None,
    status_code: int = 200,
    summary: str | None = None,
    description: str | None = None,
    *,
    tags: list[str] | None = None,
    requires_auth: bool = False,
    rate_limit: str | int | None = None,
    cache_ttl: int | None = None,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """``@action(method="POST", ...)``, with Nitro's ``post()`` signature."""
    return action("POST", path, response_model, status_code, tags, summary, description,
                  requires_auth, rate_limit, cache_ttl, login_required=login_required,
                  permission=permission)  # fmt: skip


def put(
    path: str | None = None,
    response_model: type | None = None,
    summary: str | None = None,
    description: str | None = None,
    *,
    status_code: int = 200,
    tags: list[str] | None = None,
    requires_auth: bool = False,
    rate_limit: str | int | None = None,
    cache_ttl: int | None = None,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """``@action(method="PUT", ...)``, with Nitro's ``put()`` signature."""
    return action("PUT", path, response_model, status_code, tags, summary, description,
                  requires_auth, rate_limit, cache_ttl, login_required=login_required,
                  permission=permission)  # fmt: skip


def delete(
    path: str | None = None,
    status_code: int = 204,
    summary: str | None = None,
    description: str | None = None,
    *,
    response_model: type | None = None,
    tags: list[str] | None = None,
    requires_auth: bool = False,
    rate_limit: str | int | None = None,
    cache_ttl: int | None = None,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """``@action(method="DELETE", status_code=204, ...)``, with Nitro's ``delete()`` signature.

    A plain client gets ``204 No Content`` when the action returns ``None``, and ``200`` with
    the answer when it returns one (a 204 has no body).
    """
    return action("DELETE", path, response_model, status_code, tags, summary, description,
                  requires_auth, rate_limit, cache_ttl, login_required=login_required,
                  permission=permission)  # fmt: skip


def get_action_metadata(function: Any) -> ActionMetadata | None:
    """Return the ActionMetadata of a method marked @action (or of its classmethod), or None."""
    metadata = getattr(getattr(function, "__func__", function), _ATTRIBUTE, None)
    return metadata if isinstance(metadata, ActionMetadata) else None


def has_action_metadata(function: Any) -> bool:
    """Whether *function* (or the function of a classmethod) is marked @action."""
    return get_action_metadata(function) is not None
