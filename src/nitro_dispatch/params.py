"""Action parameters: read from the request, validated and coerced by pydantic.

Sources, later ones winning: the query string, then the body (JSON object, urlencoded or
multipart form), or the Datastar signals (the ``datastar`` query parameter for GET and DELETE,
the JSON body otherwise). Only the method's declared parameters are read; other keys (Datastar
sends every signal of the page) are ignored. A parameter named ``request`` gets the HttpRequest
and cannot be set by the client.

What no database column could take is refused (422) wherever it appears in a parameter, as
Django's form fields do: text with NUL characters or unpaired surrogates, integers beyond 64
bits, and floats that are not finite. JSON that is not standard (``NaN``) or nested too deeply to
read is a 400.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.forms import BaseForm
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext
from pydantic import BaseModel, ConfigDict, ValidationError, create_model
from pydantic_core import InitErrorDetails

from ._validation import SIGNED_64, integer_error, text_error

__all__ = ["BadRequest", "Parameters", "field_errors", "parameters_of"]

_SEQUENCES = (list, tuple, set, frozenset)


class BadRequest(Exception):
    """The request cannot be read: *status* and a message, plus field errors if any."""

    def __init__(self, status: int, message: str, details: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.details = details or []


@dataclass(frozen=True)
class Parameters:
    """How to call one action: its validating model, its forms and whether it takes the
    request."""

    model: type[BaseModel]
    wants_request: bool
    many: frozenset[str]  # parameters read from every value of a repeated query key
    forms: Mapping[str, type[BaseForm]] = dataclasses.field(default_factory=dict)

    def bind(self, request: HttpRequest) -> dict[str, Any]:
        """Return the keyword arguments for the action; raise BadRequest if invalid."""
        if not self.model.model_fields and not self.forms:  # nothing to read: leave the body
            return {"request": request} if self.wants_request else {}
        values = _values(request)
        data: dict[str, Any] = self._form(request.GET, skip="datastar")
        if isinstance(values, QueryDict):
            data.update(self._form(values, skip="csrfmiddlewaretoken"))
        elif values is not None:
            data.update(values)
        try:
            validated = self.model.model_validate(data)
        except ValidationError as exc:
            raise BadRequest(422, gettext("Invalid parameters."), field_errors(exc)) from exc
        arguments = {name: getattr(validated, name) for name in type(validated).model_fields}
        problems = _unstorable(arguments)
        if problems:
            error = ValidationError.from_exception_data(self.model.__name__, problems)
            raise BadRequest(422, gettext("Invalid parameters."), field_errors(error))
        for name, form in self.forms.items():
            # Bound, not validated: the action calls is_valid() and answers with the errors.
            arguments[name] = form(
                data=request.GET if values is None else values, files=request.FILES or None
            )
        if self.wants_request:
            arguments["request"] = request
        return arguments

    def _form(self, values: QueryDict, skip: str) -> dict[str, Any]:
        return {
            key: values.getlist(key) if key in self.many else values[key]
            for key in values
            if key != skip and key in self.model.model_fields
        }


def _values(request: HttpRequest) -> QueryDict | dict[str, Any] | None:
    """What the request sends beside the query string: Datastar's signals (the ``datastar``
    parameter of a GET or DELETE, or a JSON body), a form's fields, or None."""
    content_type = request.content_type or ""
    if request.method in ("GET", "DELETE"):
        if "datastar" not in request.GET:
            return None
        return _json_object(request.GET["datastar"], gettext("the 'datastar' parameter"))
    if content_type == "application/json" or content_type.endswith("+json"):
        return _json_object(request.body, gettext("the JSON body"))
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return request.POST
    return None


def field_errors(exc: ValidationError) -> list[dict[str, Any]]:
    """pydantic's errors as JSON: ``[{"loc": [...], "msg": ..., "type": ...}, ...]``."""
    return [
        {"loc": list(error["loc"]), "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False)
    ]


def _not_json(constant: str) -> Any:
    raise ValueError(f"{constant} is not JSON")


def _json_object(raw: str | bytes, where: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or b"{}", parse_constant=_not_json)
    except ValueError as exc:
        raise BadRequest(
            400, gettext("Invalid JSON in %(where)s: %(error)s.") % {"where": where, "error": exc}
        ) from exc
    except RecursionError as exc:
        raise BadRequest(
            400, gettext("Invalid JSON in %(where)s: nested too deeply.") % {"where": where}
        ) from exc
    if not isinstance(value, dict):
        raise BadRequest(
            400,
            gettext("Expected a JSON object in %(where)s, got %(type)s.")
            % {"where": where, "type": type(value).__name__},
        )
    return value


@cache
def parameters_of(function: Callable[..., Any], skip_first: bool) -> Parameters:
    """Build (once) the Parameters of *function*, skipping ``self``/``cls`` if *skip_first*.

    Raise pydantic's PydanticSchemaGenerationError for an annotation it cannot validate.
    """
    hints = typing.get_type_hints(function, include_extras=True)
    fields: dict[str, Any] = {}
    many = set()
    forms: dict[str, type[BaseForm]] = {}
    wants_request = False
    parameters = list(inspect.signature(function).parameters.values())
    for parameter in parameters[1:] if skip_first else parameters:
        if parameter.name == "request":
            wants_request = True
            continue
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        annotation = hints.get(parameter.name, Any)
        if isinstance(annotation, type) and issubclass(annotation, BaseForm):
            forms[parameter.name] = annotation
            continue
        default = ... if parameter.default is parameter.empty else parameter.default
        fields[parameter.name] = (annotation, default)
        if _is_sequence(annotation):
            many.add(parameter.name)
    model = create_model(
        f"{function.__qualname__}.parameters",
        __config__=ConfigDict(extra="ignore", allow_inf_nan=False),
        **fields,
    )
    return Parameters(model, wants_request, frozenset(many), forms)


def _is_sequence(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_sequence(argument) for argument in typing.get_args(annotation))
    return origin in _SEQUENCES or annotation in _SEQUENCES


def _unstorable(arguments: dict[str, Any]) -> list[InitErrorDetails]:
    """Errors for what no column could store, anywhere inside the validated *arguments*."""
    errors: list[InitErrorDetails] = []
    # Iterative: a parameter typed Any may hold JSON nested hundreds deep.
    pending: list[tuple[Any, tuple[str | int, ...]]] = [
        (value, (name,)) for name, value in arguments.items()
    ]
    while pending:
        value, loc = pending.pop()
        error: InitErrorDetails | None = None
        if isinstance(value, str):
            error = text_error(value)
        elif isinstance(value, bool):
            pass
        elif isinstance(value, int):
            error = integer_error(value, SIGNED_64)
        elif isinstance(value, float):
            if not math.isfinite(value):
                error = {"type": "finite_number", "loc": (), "input": value}
        elif isinstance(value, BaseModel):
            pending.extend((getattr(value, key), (*loc, key)) for key in type(value).model_fields)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            pending.extend(
                (getattr(value, field.name), (*loc, field.name))
                for field in dataclasses.fields(value)
            )
        elif isinstance(value, Mapping):
            for key, item in value.items():
                pending.append((key, (*loc, str(key))))
                pending.append((item, (*loc, str(key))))
        elif isinstance(value, list | tuple | set | frozenset):
            pending.extend((item, (*loc, index)) for index, item in enumerate(value))
        if error is not None:
            errors.append({**error, "loc": loc})
    return sorted(errors, key=lambda error: [str(part) for part in error["loc"]])
