"""The @action decorator: which entity methods become views, and how."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar

from django.http import HttpRequest

__all__ = ["ActionMetadata", "action", "get_action_metadata"]

F = TypeVar("F")

METHODS: Final = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Nitro's attribute name, so tools written for Nitro can read the metadata.
_ATTRIBUTE: Final = "_nitro_action_metadata"

Permission = str | Callable[[HttpRequest, Any], bool]


@dataclass
class ActionMetadata:
    """What @action recorded about a method (Nitro's ActionMetadata fields, plus Django's)."""

    method: str = "POST"
    path: str | None = None
    status_code: int = 200
    summary: str | None = None
    description: str | None = None
    tags: list[str] = field(default_factory=list)
    response_model: type | None = None
    function_name: str = ""
    is_async: bool = False
    login_required: bool = False
    permission: Permission | None = None


def action(
    method: str = "POST",
    path: str | None = None,
    status_code: int = 200,
    summary: str | None = None,
    description: str | None = None,
    tags: list[str] | None = None,
    response_model: type | None = None,
    *,
    login_required: bool = False,
    permission: Permission | None = None,
) -> Callable[[F], F]:
    """Make an entity method a Django view (see DjangoDispatcher).

    Works on instance methods (``/<entity>/<id>/<name>``), classmethods and staticmethods
    (``/<entity>/<name>``), sync or ``async``. *path* replaces the ``<name>`` segment.
    *status_code* is the status of plain (non-Datastar) successful responses.
    *login_required* redirects anonymous users to ``settings.LOGIN_URL``; *permission* is a
    Django permission (``"todos.change_todo"``) or a callable ``(request, entity_or_class) ->
    bool``; refusal is a 403. CSRF protection stays on for unsafe methods. The method is
    returned unchanged, so it can still be called directly.
    """
    verb = method.upper()
    if verb not in METHODS:
        choices = ", ".join(METHODS)
        raise ValueError(f"Unsupported HTTP method {method!r} for @action; use one of: {choices}.")
    if not 100 <= status_code < 600:
        raise ValueError(
            f"@action status_code must be an HTTP status (100-599), not {status_code!r}."
        )
    if permission is not None and not (isinstance(permission, str) or callable(permission)):
        raise TypeError(
            f"@action permission must be a permission name or a callable, not {permission!r}."
        )

    def decorate(function: F) -> F:
        target: Any = getattr(function, "__func__", function)  # under @classmethod
        if not callable(target):
            raise TypeError(f"@action decorates a method, not {function!r}.")
        name = target.__name__
        setattr(
            target,
            _ATTRIBUTE,
            ActionMetadata(
                method=verb,
                path=path,
                status_code=status_code,
                summary=summary or name.replace("_", " ").title(),
                description=description if description is not None else inspect.getdoc(target),
                tags=list(tags or []),
                response_model=response_model,
                function_name=name,
                is_async=inspect.iscoroutinefunction(target),
                login_required=login_required,
                permission=permission,
            ),
        )
        return function

    return decorate


def get_action_metadata(function: Any) -> ActionMetadata | None:
    """Return the ActionMetadata of a method marked @action (or of its classmethod), or None."""
    metadata = getattr(getattr(function, "__func__", function), _ATTRIBUTE, None)
    return metadata if isinstance(metadata, ActionMetadata) else None
