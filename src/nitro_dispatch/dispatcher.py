"""DjangoDispatcher: entity actions as Django views and URL patterns.

Every action is an ordinary Django view behind the whole middleware stack (sessions, auth,
messages, CSRF for unsafe methods). Its body (with parameter validation and the rendering of
what it returns) runs inside ``transaction.atomic()`` on the entity database, so an exception
leaves nothing written, in SQLModel or the Django ORM.

Errors for plain clients are HTTP statuses with a JSON body
``{"error": {"type", "message", "status_code", "details"}}``. Datastar ignores the bodies of
non-200 answers, so a Datastar request that fails gets ``200`` with a signals patch
``{"_nitroError": {"type", "message", "status_code", "details"}}`` the page can show
(``data-show="$_nitroError"``); a redirect (``login_required``) becomes a client-side redirect.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal
from urllib.parse import urlencode

from asgiref.sync import async_to_sync, sync_to_async
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponseBase, HttpResponseNotAllowed, JsonResponse
from django.middleware.csrf import get_token
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from pydantic import ValidationError

from rustytags_backend.layout import csrf_header_name

from .actions import ActionMetadata, get_action_metadata
from .conf import get_settings
from .entity import Entity, entity_classes
from .params import BadRequest, Parameters, field_errors, parameters_of
from .responses import Redirect, Signals, current_request, is_datastar, to_response

__all__ = [
    "DjangoDispatcher",
    "Route",
    "datastar_action",
    "discover_entities",
    "dispatchers",
    "routed",
]

logger = logging.getLogger("nitro_dispatch")

_ERROR_SIGNAL: Final = "_nitroError"


def discover_entities() -> list[type[Entity]]:
    """Every table entity class defined so far (apps' ``entities`` modules are imported at
    startup), in definition order."""
    return [klass for klass in entity_classes() if klass.model_config.get("table")]


@dataclass(frozen=True)
class Route:
    """One action of one entity class, at one URL."""

    entity: type[Entity]
    function: Callable[..., Any]
    metadata: ActionMetadata
    kind: Literal["instance", "class", "static"]

    @property
    def name(self) -> str:
        """The URL name (without namespace): ``<entity>-<method>``."""
        return f"{self.entity.route_name()}-{self.metadata.function_name}"

    @property
    def route(self) -> str:
        """The URL pattern, relative to the dispatcher's prefix."""
        segment = (self.metadata.path or self.metadata.function_name).strip("/")
        if self.kind == "instance":
            converter = "int" if _integer_key(self.entity) else "str"
            return f"{self.entity.route_name()}/<{converter}:id>/{segment}"
        return f"{self.entity.route_name()}/{segment}"

    @property
    def parameters(self) -> Parameters:
        return parameters_of(self.function, self.kind != "static")

    @property
    def path(self) -> str:
        """``module.Class.method``, for messages."""
        return f"{self.entity.__module__}.{self.entity.__qualname__}.{self.metadata.function_name}"


def _integer_key(entity: type[Entity]) -> bool:
    return entity.__table__.c.id.type.python_type is int  # type: ignore[attr-defined]


def _routes_of(entity: type[Entity]) -> Iterable[Route]:
    seen = set()
    for klass in entity.__mro__:
        for name, value in vars(klass).items():
            if name in seen:
                continue
            seen.add(name)
            metadata = get_action_metadata(value)
            if metadata is None:
                continue
            if isinstance(value, classmethod):
                yield Route(entity, value.__func__, metadata, "class")
            elif isinstance(value, staticmethod):
                yield Route(entity, value.__func__, metadata, "static")
            else:
                yield Route(entity, value, metadata, "instance")


class DjangoDispatcher:
    """URL patterns for the actions of entity classes.

    ``path("api/", include(DjangoDispatcher().urls))``: ``POST api/todo/<id>/toggle`` for an
    instance action, ``GET api/todo/open_count`` for a class action, named
    ``nitro:todo-toggle`` and ``nitro:todo-open_count`` (*namespace* ``"nitro"``). *entities*
    defaults to every table entity (apps' ``entities`` modules are imported at startup).
    """

    def __init__(
        self,
        prefix: str = "",
        entities: Iterable[type[Entity]] | None = None,
        namespace: str = "nitro",
    ) -> None:
        self.prefix = prefix.strip("/")
        self.namespace = namespace
        self._entities = list(entities) if entities is not None else None

    @property
    def entities(self) -> list[type[Entity]]:
        """The entity classes routed."""
        return self._entities if self._entities is not None else discover_entities()

    def routes(self) -> list[Route]:
        """Every route, including any that conflict (see conflicts())."""
        return [route for entity in self.entities for route in _routes_of(entity)]

    def conflicts(self) -> list[tuple[Route, Route]]:
        """Pairs of routes with the same URL and HTTP method: the first one is served."""
        first: dict[tuple[str, str], Route] = {}
        pairs = []
        for route in self.routes():
            key = (route.route, route.metadata.method)
            if key in first:
                pairs.append((first[key], route))
            else:
                first[key] = route
        return pairs

    @property
    def urls(self) -> tuple[list[URLPattern], str]:
        """``(urlpatterns, namespace)``, for ``include()``."""
        by_url: dict[str, dict[str, Route]] = {}
        for route in self.routes():
            by_url.setdefault(route.route, {}).setdefault(route.metadata.method, route)
        patterns = []
        for url, methods in by_url.items():
            prefix = f"{self.prefix}/" if self.prefix else ""
            view = _view(methods)
            view.nitro_dispatcher = self  # type: ignore[attr-defined]  # found by routed()
            for route in methods.values():
                patterns.append(path(prefix + url, view, name=route.name))
        return patterns, self.namespace


def _walk(
    patterns: Iterable[Any], prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        else:
            yield "/" + prefix + str(pattern.pattern), namespace, pattern


def routed() -> Iterator[tuple[str, str, Route]]:
    """(URL, URL name, route) for every action the URLconf routes, in URLconf order."""
    for url, namespace, pattern in _walk(get_resolver().url_patterns):
        dispatcher = getattr(pattern.callback, "nitro_dispatcher", None)
        for route in dispatcher.routes() if dispatcher else ():
            if route.name == pattern.name:
                yield url, f"{namespace}:{route.name}" if namespace else route.name, route


def dispatchers() -> list[DjangoDispatcher]:
    """The dispatchers the URLconf routes to."""
    found = (
        getattr(p.callback, "nitro_dispatcher", None)
        for _, _, p in _walk(get_resolver().url_patterns)
    )
    return list(dict.fromkeys(dispatcher for dispatcher in found if dispatcher is not None))


def _view(methods: dict[str, Route]) -> Callable[..., Any]:
    allowed = sorted(methods)

    def handle(request: HttpRequest, id: Any = None) -> HttpResponseBase:
        route = methods.get(request.method or "")
        if route is None:
            return HttpResponseNotAllowed(allowed)
        return _handle(request, route, id)

    if not any(route.metadata.is_async for route in methods.values()):
        return handle

    # An async action runs inside atomic() too: its coroutine runs from this thread, so the
    # entity calls it makes through sync_to_async (thread-sensitive) share the transaction.
    async def async_handle(request: HttpRequest, id: Any = None) -> HttpResponseBase:
        return await sync_to_async(handle)(request, id)

    return async_handle


class _Refused(Exception):
    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response


def _error(request: HttpRequest, status: int, kind: str, message: str,
           details: list[Any] | None = None) -> HttpResponseBase:  # fmt: skip
    error = {"type": kind, "message": message, "status_code": status, "details": details or []}
    if is_datastar(request):
        return to_response(request, Signals({_ERROR_SIGNAL: error}))
    return JsonResponse({"error": error}, status=status)


def _require_login(request: HttpRequest, route: Route) -> None:
    if not (route.metadata.login_required or route.metadata.permission):
        return
    user = getattr(request, "user", None)
    if user is None:
        raise ImproperlyConfigured(
            f"{route.path} uses login_required or permission, which need "
            "django.contrib.auth.middleware.AuthenticationMiddleware in MIDDLEWARE."
        )
    if not user.is_authenticated:
        # Imported here: django.contrib.auth.views defines models, and this package is
        # imported while apps load.
        from django.contrib.auth.views import redirect_to_login

        login = redirect_to_login(request.get_full_path())
        response = to_response(request, Redirect(login.url)) if is_datastar(request) else login
        raise _Refused(response)


def _check_permission(request: HttpRequest, route: Route, target: Any) -> None:
    permission = route.metadata.permission
    if permission is None:
        return
    if isinstance(permission, str):
        allowed = request.user.has_perm(permission)
    else:
        allowed = bool(permission(request, target))
    if not allowed:
        raise PermissionDenied(f"You may not {route.metadata.function_name.replace('_', ' ')}.")


def _target(route: Route, id: Any) -> Any:
    if route.kind != "instance":
        return route.entity
    entity = route.entity.get(id)
    if entity is None:
        raise Http404(f"{route.entity.__name__} with id {id!r} not found.")
    return entity


def _call(route: Route, target: Any, arguments: dict[str, Any]) -> Any:
    function = route.function
    args = () if route.kind == "static" else (target,)
    if route.metadata.is_async:
        return async_to_sync(function)(*args, **arguments)
    return function(*args, **arguments)


def _handle(request: HttpRequest, route: Route, id: Any) -> HttpResponseBase:
    token = current_request.set(request)
    try:
        _require_login(request, route)
        # The entity is read before the transaction: on SQLite, transactions that read and then
        # write fail each other at once ("database is locked"), while one whose first statement
        # writes waits its turn. Read it again inside the action for a consistent read.
        target = _target(route, id)
        with transaction.atomic(using=get_settings().DATABASE):
            _check_permission(request, route, target)
            result = _call(route, target, route.parameters.bind(request))
            return to_response(request, result, route.metadata.status_code)
    except _Refused as refused:
        return refused.response
    except BadRequest as exc:
        return _error(request, exc.status, "bad_request" if exc.status == 400
                      else "validation_error", exc.message, exc.details)  # fmt: skip
    except ValidationError as exc:  # invalid data given to an entity inside the action
        return _error(request, 422, "validation_error", "Invalid data.", field_errors(exc))
    except Http404 as exc:
        return _error(request, 404, "not_found", str(exc))
    except PermissionDenied as exc:
        return _error(request, 403, "permission_denied", str(exc) or "Permission denied.")
    except Exception:
        if not is_datastar(request):
            raise  # Django's 500 handling, with the debug page under DEBUG
        logger.exception("Action %s failed", route.path, extra={"request": request})
        return _error(request, 500, "server_error", "The action failed on the server.")
    finally:
        current_request.reset(token)


def datastar_action(
    bound: Callable[..., Any],
    /,
    *,
    request: HttpRequest | None = None,
    namespace: str = "nitro",
    options: Mapping[str, Any] | None = None,
    **params: Any,
) -> str:
    """The Datastar expression that calls an action: ``on_click=datastar_action(todo.toggle)``.

    Gives ``@post("/api/todo/<id>/toggle")`` with the URL from ``reverse()``, *params* in the
    query string, Datastar's *options* (``{"contentType": "form"}``), and, given the *request*
    and an unsafe method, Django's CSRF header. The
    result is JavaScript: use it as an attribute value of a rustytags_backend.html tag, which
    escapes it for the attribute.
    """
    metadata = get_action_metadata(bound)
    owner = getattr(bound, "__self__", None)
    if metadata is None or owner is None:
        raise TypeError(
            f"datastar_action() takes an action bound to an entity or its class "
            f"(todo.toggle, Todo.open_count), not {bound!r}."
        )
    entity: type[Entity] = owner if isinstance(owner, type) else type(owner)
    kwargs = {} if isinstance(owner, type) else {"id": owner.id}
    url = reverse(f"{namespace}:{entity.route_name()}-{metadata.function_name}", kwargs=kwargs)
    if params:
        url += "?" + urlencode(params, doseq=True)
    settings = dict(options or {})
    if request is not None and metadata.method != "GET":
        settings["headers"] = {
            **settings.get("headers", {}),
            csrf_header_name(): get_token(request),
        }
    arguments: list[Any] = [url, settings] if settings else [url]
    encoded = ", ".join(json.dumps(argument) for argument in arguments)
    return f"@{metadata.method.lower()}({encoded})"
