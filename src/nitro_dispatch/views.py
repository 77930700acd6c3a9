"""The view behind every action URL.

In order: the login check; a Django permission (before the entity is looked up, so a refusal
says nothing about which ids exist); then, in the action's transaction, the entity (read with a
row lock for unsafe methods: see db.action_transaction), a callable permission, the parameters,
the action, and the rendering of what it returned. An exception leaves nothing written.

Errors for plain clients are HTTP statuses with a JSON body
``{"error": {"type", "message", "status_code", "details"}}``. Datastar ignores the bodies of
non-200 answers, so a Datastar request that fails gets ``200`` with a signals patch
``{"_nitroError": {...}}`` the page can show; a redirect (``login_required``) becomes a
client-side redirect, back to the page the user acted from.

Messages are marked for translation (``gettext``) and given in the request's language.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.db import DatabaseError as DjangoDatabaseError
from django.db import IntegrityError as DjangoIntegrityError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    UnreadablePostError,
)
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from .conf import get_settings
from .db import action_transaction
from .exceptions import EntityGone, entity_not_found
from .params import BadRequest, field_errors
from .responses import Redirect, Signals, current_request, is_datastar, to_response

if TYPE_CHECKING:
    from .dispatcher import Route

__all__ = ["action_view"]

logger = logging.getLogger("nitro_dispatch")

ERROR_SIGNAL: Final = "_nitroError"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
# PostgreSQL's serialization failure and deadlock: the transaction lost a race, nothing was kept.
_LOST_RACE: Final = frozenset({"40001", "40P01"})


def action_view(methods: dict[str, Route]) -> Callable[..., Any]:
    """The view for one URL whose *methods* (HTTP method → route) are actions.

    HEAD is answered like GET (without a body), and OPTIONS with the allowed methods, as
    Django's class-based views do.
    """
    allowed = sorted({*methods, "OPTIONS", *(["HEAD"] if "GET" in methods else [])})

    def handle(request: HttpRequest, id: Any = None) -> HttpResponseBase:
        method = request.method or ""
        route = methods.get("GET" if method == "HEAD" else method)
        if route is not None:
            return _handle(request, route, id)
        if method == "OPTIONS":
            return HttpResponse(headers={"Allow": ", ".join(allowed), "Content-Length": "0"})
        return HttpResponseNotAllowed(allowed)

    if not any(route.metadata.is_async for route in methods.values()):
        return handle

    # An async action runs inside the transaction too: its coroutine runs from this thread, so
    # the entity calls it makes through sync_to_async (thread-sensitive) share the transaction.
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
        return to_response(request, Signals({ERROR_SIGNAL: error}))
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

        back = _return_url(request)
        url = redirect_to_login(back).url if back else resolve_url(settings.LOGIN_URL)
        if is_datastar(request):
            raise _Refused(to_response(request, Redirect(url)))
        raise _Refused(HttpResponseRedirect(url))


def _return_url(request: HttpRequest) -> str | None:
    """Where the login page sends the user back to: the page, never an action URL.

    A plain GET of an action URL is a page the user opened; anything else (a Datastar request,
    a form POST) was sent from a page, named by the same-origin ``Referer``. Without one, the
    login page's default (``LOGIN_REDIRECT_URL``) applies.
    """
    if request.method in ("GET", "HEAD") and not is_datastar(request):
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    return urlsplit(referer)._replace(scheme="", netloc="").geturl() or "/"


def _refusal(route: Route) -> PermissionDenied:
    action = route.metadata.function_name.replace("_", " ")
    return PermissionDenied(gettext("You may not %(action)s.") % {"action": action})


def _check_permission_name(request: HttpRequest, route: Route) -> None:
    permission = route.metadata.permission
    if isinstance(permission, str) and not request.user.has_perm(permission):
        raise _refusal(route)


def _check_permission_callable(request: HttpRequest, route: Route, target: Any, id: Any) -> None:
    permission = route.metadata.permission
    if permission is None or isinstance(permission, str) or permission(request, target):
        return
    # Refused for this entity: answer as for an id that does not exist, so that nobody
    # learns which ids do (as get_object_or_404() over the objects one may see).
    raise entity_not_found(route.entity, id) if route.kind == "instance" else _refusal(route)


def _target(route: Route, id: Any, lock: bool) -> Any:
    if route.kind != "instance":
        return route.entity
    return route.entity.get_or_404(id, for_update=lock)


def _call(route: Route, target: Any, arguments: dict[str, Any]) -> Any:
    function = route.function
    args = () if route.kind == "static" else (target,)
    if route.metadata.is_async:
        return async_to_sync(function)(*args, **arguments)
    return function(*args, **arguments)


def _respond(request: HttpRequest, route: Route, id: Any) -> HttpResponseBase:
    _require_login(request, route)
    _check_permission_name(request, route)
    writes = request.method not in SAFE_METHODS
    with action_transaction(get_settings().DATABASE, write=writes):
        target = _target(route, id, lock=writes)
        _check_permission_callable(request, route, target, id)
        result = _call(route, target, route.parameters.bind(request))
        return to_response(request, result, route.metadata.status_code)


def _driver_error(exc: BaseException) -> BaseException | None:
    return exc.orig if isinstance(exc, DBAPIError) else exc.__cause__


def _lost_race(exc: BaseException) -> bool:
    return getattr(_driver_error(exc), "sqlstate", None) in _LOST_RACE


def _busy(exc: BaseException) -> bool:
    # SQLite's writers waited longer than the timeout option for each other.
    cause = _driver_error(exc)
    return isinstance(cause, sqlite3.OperationalError) and "database is locked" in str(cause)


def _handle(request: HttpRequest, route: Route, id: Any) -> HttpResponseBase:
    token = current_request.set(request)
    try:
        return _respond(request, route, id)
    except _Refused as refused:
        return refused.response
    except BadRequest as exc:
        return _error(request, exc.status, "bad_request" if exc.status == 400
                      else "validation_error", exc.message, exc.details)  # fmt: skip
    except ValidationError as exc:  # invalid data given to an entity inside the action
        return _error(request, 422, "validation_error", gettext("Invalid data."),
                      field_errors(exc))  # fmt: skip
    except Http404 as exc:
        return _error(request, 404, "not_found", str(exc))
    except PermissionDenied as exc:
        return _error(request, 403, "permission_denied", str(exc) or gettext("Permission denied."))
    except EntityGone as exc:
        return _error(request, 409, "conflict", str(exc))
    except (SuspiciousOperation, UnreadablePostError) as exc:
        # What Django answers with 400 (too large a body, too many fields, a broken upload),
        # logged where Django logs it.
        name = type(exc).__name__
        security = logging.getLogger(f"django.security.{name}")
        (security if isinstance(exc, SuspiciousOperation) else logger).warning(
            "%s", exc, extra={"request": request, "status_code": 400}
        )
        return _error(request, 400, "bad_request", str(exc) or name)
    except (DjangoIntegrityError, SAIntegrityError) as exc:
        logger.warning("Action %s conflicted: %s", route.path, exc, extra={"request": request})
        message = gettext("The change conflicts with the data stored; nothing was saved.")
        return _error(request, 409, "conflict", message)
    except (DjangoDatabaseError, DBAPIError) as exc:
        if _lost_race(exc):
            logger.warning("Action %s lost a race: %s", route.path, exc, extra={"request": request})
            return _error(request, 409, "conflict", gettext("The change conflicts with one made "
                          "at the same time; nothing was saved. Try again."))  # fmt: skip
        if _busy(exc):
            logger.warning(
                "Action %s: the database is busy", route.path, extra={"request": request}
            )
            return _error(request, 503, "busy", gettext("The database is busy; nothing was "
                          "saved. Try again in a moment."))  # fmt: skip
        return _failed(request, route)
    except Exception:
        return _failed(request, route)
    finally:
        current_request.reset(token)


def _failed(request: HttpRequest, route: Route) -> HttpResponseBase:
    if not is_datastar(request):
        raise  # to Django's 500 handling, with the debug page under DEBUG
    logger.exception("Action %s failed", route.path, extra={"request": request})
    return _error(request, 500, "server_error", gettext("The action failed on the server."))
