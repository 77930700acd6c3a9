"""The view behind every action URL.

In order: the rate limit; the login check; a Django permission (before the entity is looked up,
so a refusal says nothing about which ids exist); the answer kept for a cached action, if any;
then, in the action's transaction, the entity (read with a row lock for unsafe methods: see
db.action_transaction), a callable permission, the parameters, the action, and the rendering of
what it returned. An exception leaves nothing written.

Errors for plain clients are HTTP statuses with Nitro's JSON body
``{"error": {"type", "message", "status_code", "details"}}`` and Nitro's types
(``entity_not_found``, ``validation_error``, ``internal_error``) where Nitro has one. Datastar
ignores the bodies of non-200 answers, so a Datastar request that fails gets ``200`` with a
signals patch ``{"_nitroError": {...}}`` the page can show; a redirect (``login_required``)
becomes a client-side redirect, back to the page the user acted from. An exception is logged as
Django logs one (``django.request``, with the traceback), and its text is shown only under
``DEBUG``, where a browser's navigation gets Django's debug page.

Messages are marked for translation (``gettext``) and given in the request's language.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

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
    HttpResponseServerError,
    JsonResponse,
    UnreadablePostError,
)
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.log import log_response
from django.utils.translation import gettext, ngettext
from pydantic import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import IntegrityError as SAIntegrityError

from ._async import call_async_action
from ._limits import cached_answer, keep_answer, retry_after
from .conf import get_settings
from .db import action_transaction
from .exceptions import EntityGone, EntityNotFound, entity_not_found
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

    # A sync view even for async actions: their coroutines run on a loop of their own, from
    # the thread holding the transaction (see _call); under ASGI, Django runs the view in the
    # request's thread, off the server's event loop.
    return handle


class _Refused(Exception):
    def __init__(self, response: HttpResponseBase) -> None:
        self.response = response


def _error(request: HttpRequest, status: int, kind: str, message: str,
           details: list[Any] | None = None) -> HttpResponseBase:  # fmt: skip
    error = {"type": kind, "message": message, "status_code": status, "details": details or []}
    if is_datastar(request):
        return to_response(request, Signals({ERROR_SIGNAL: error}))
    return JsonResponse({"error": error}, status=status)


def _limit_rate(request: HttpRequest, route: Route) -> None:
    wait = retry_after(request, route)
    if wait is None:
        return
    message = ngettext(
        "Too many requests: try again in %(seconds)d second.",
        "Too many requests: try again in %(seconds)d seconds.",
        wait,
    ) % {"seconds": wait}
    response = _error(request, 429, "rate_limit_exceeded", message)
    response["Retry-After"] = str(wait)
    raise _Refused(response)


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
    return route.entity._get_or_404(id, for_update=lock)  # a field may shadow the public name


def _call(route: Route, target: Any, arguments: dict[str, Any]) -> Any:
    function = route.function
    args = () if route.kind == "static" else (target,)
    if route.metadata.is_async:
        # On an event loop of its own, in the action's transaction: see _async.py.
        return call_async_action(function, *args, **arguments)
    return function(*args, **arguments)


def _respond(request: HttpRequest, route: Route, id: Any) -> HttpResponseBase:
    _limit_rate(request, route)
    _require_login(request, route)
    _check_permission_name(request, route)
    kept = cached_answer(request, route)
    if kept is not None:
        return kept
    writes = request.method not in SAFE_METHODS
    with action_transaction(get_settings().DATABASE, write=writes):
        target = _target(route, id, lock=writes)
        _check_permission_callable(request, route, target, id)
        result = _call(route, target, route.parameters.bind(request))
        response = to_response(
            request, result, route.metadata.status_code, name=route.metadata.function_name
        )
    keep_answer(request, route, response)  # once committed
    return response


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
    except ImproperlyConfigured:
        raise  # the project's to fix, not the action's failure: as Django raises it
    except BadRequest as exc:
        return _error(request, exc.status, "bad_request" if exc.status == 400
                      else "validation_error", exc.message, exc.details)  # fmt: skip
    except ValidationError as exc:  # invalid data given to an entity inside the action
        return _error(request, 422, "validation_error", gettext("Invalid data."),
                      field_errors(exc))  # fmt: skip
    except EntityNotFound as exc:
        return _error(request, 404, "entity_not_found", str(exc))
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
        return _failed(request, exc)
    except Exception as exc:
        return _failed(request, exc)
    finally:
        current_request.reset(token)


def _navigating(request: HttpRequest) -> bool:
    # A browser opening a page (a link, a form) names text/html; other clients accept */*.
    return any(
        media.main_type == "text" and media.sub_type == "html" for media in request.accepted_types
    )


def _failed(request: HttpRequest, exc: Exception) -> HttpResponseBase:
    datastar = is_datastar(request)
    if settings.DEBUG_PROPAGATE_EXCEPTIONS or (
        settings.DEBUG and not datastar and _navigating(request)
    ):
        raise  # to Django's 500 handling: its debug page, or the propagation asked for
    if settings.DEBUG:
        message = gettext("Internal server error: %(error)s") % {
            "error": f"{type(exc).__name__}: {exc}"
        }
    else:
        message = gettext("The action failed on the server.")
    response = _error(request, 500, "internal_error", message)
    # Logged as Django logs an uncaught exception, so error emails and trackers get the
    # traceback; once, as Django would log a 500 it has not seen logged again, without it.
    logged = response
    if not isinstance(logged, HttpResponse) or logged.status_code != 500:
        logged = HttpResponseServerError()  # a Datastar answer is a 200: the record says 500
    log_response("%s: %s", logged.reason_phrase, request.path, response=logged, request=request,
                 exception=exc)  # fmt: skip
    return response
