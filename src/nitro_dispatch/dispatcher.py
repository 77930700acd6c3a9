"""DjangoDispatcher: entity actions as Django views and URL patterns.

Every action is an ordinary Django view (see views.py) behind the whole middleware stack
(sessions, auth, messages, CSRF for unsafe methods), running in a transaction of its own on the
entity database, so an exception leaves nothing written, in SQLModel or the Django ORM.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse

from rustytags_backend.layout import csrf_header_name

from ._js import js_arguments
from .actions import PLACEHOLDER, ActionMetadata, get_action_metadata
from .conf import get_settings
from .entity import Entity, entity_classes
from .params import Parameters, parameters_of
from .views import action_view

__all__ = [
    "DjangoDispatcher",
    "Route",
    "datastar_action",
    "discover_entities",
    "dispatchers",
    "routed",
]


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
        return f"{self.entity._route_name()}-{self.metadata.function_name}"

    @property
    def route(self) -> str:
        """The URL pattern, relative to the dispatcher's prefix.

        Raise ImproperlyConfigured for a path= of several segments that an instance action
        cannot have without ``{id}``, or a class action cannot have with it.
        """
        path = self.metadata.path
        segments = path.strip("/").split("/") if path else [self.metadata.function_name]
        if len(segments) == 1:
            if self.kind == "instance":
                return f"{self.entity._route_name()}/{self._key()}/{segments[0]}"
            return f"{self.entity._route_name()}/{segments[0]}"
        # Several segments are the whole URL, as in Nitro.
        if (PLACEHOLDER in segments) != (self.kind == "instance"):
            raise ImproperlyConfigured(self._path_problem())
        return "/".join(self._key() if part == PLACEHOLDER else part for part in segments)

    def _key(self) -> str:
        # A string key may hold any character, "/" included.
        return f"<{'int' if _integer_key(self.entity) else 'path'}:id>"

    def _path_problem(self) -> str:
        path = self.metadata.path
        if self.kind == "instance":
            return (
                f"{self.path} is an instance action, but path={path!r} (a whole URL, as in "
                f"Nitro) has no {PLACEHOLDER} for the entity's id. Write it where the id goes "
                f"('/ops/{PLACEHOLDER}/add'), or give one segment ('add') for "
                f"{self.entity._route_name()}/<id>/add."
            )
        return (
            f"{self.path} is a {self.kind} action, with no entity id for the {PLACEHOLDER} "
            f"of path={path!r}. Remove {PLACEHOLDER}: a parameter named id comes from the "
            "query string or the body."
        )

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
    ``nitro:todo-toggle`` and ``nitro:todo-open_count`` (*namespace* ``"nitro"``). An action's
    ``path=`` of several segments is its whole URL below *prefix*, as in Nitro. *entities*
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
        # Each action is a transaction of its own (see views.py), which ATOMIC_REQUESTS would
        # only turn into a savepoint, and on SQLite keep from taking the write lock first.
        non_atomic = {get_settings().DATABASE}
        for url, methods in by_url.items():
            prefix = f"{self.prefix}/" if self.prefix else ""
            view = action_view(methods)
            view.nitro_dispatcher = self  # type: ignore[attr-defined]  # found by routed()
            view._non_atomic_requests = non_atomic  # type: ignore[attr-defined]
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
    and an unsafe method, Django's CSRF header. The id is percent-encoded, and no ``@`` is left
    in the strings (Datastar would read ``@name(`` in one as an action). The result is
    JavaScript: use it as an attribute value of a rustytags_backend.html tag, which escapes it
    for the attribute.
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
    url = reverse(f"{namespace}:{entity._route_name()}-{metadata.function_name}", kwargs=kwargs)
    # reverse() leaves RFC 3986's sub-delimiters, ":" and "@" as they are; encode all of them.
    url = quote(url, safe="/%")
    if params:
        url += "?" + urlencode(params, doseq=True)
    settings = dict(options or {})
    if request is not None and metadata.method != "GET":
        settings["headers"] = {
            **settings.get("headers", {}),
            csrf_header_name(): get_token(request),
        }
    arguments = js_arguments(url, settings) if settings else js_arguments(url)
    return f"@{metadata.method.lower()}({arguments})"
