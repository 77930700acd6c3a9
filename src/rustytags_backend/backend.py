"""The RustyTags template engine: components render wherever Django renders templates."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any, Final, cast

from django.core.checks import CheckMessage
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.template import Origin, TemplateDoesNotExist
from django.template.backends.base import BaseEngine
from django.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from django.template.context import BaseContext, Context
from django.test.signals import template_rendered
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from .checks import check_engine
from .decorators import ComponentSpec, as_markup
from .loader import Found, Loader, Tried

__all__ = ["RustyTags", "Template"]

_OPTIONS: Final = ("context_processors", "suffixes")
# Names come from code, so they are few; the cap only matters if they come from data.
_MAX_CACHED: Final = 10_000


class RustyTags(BaseEngine):
    """A ``TEMPLATES`` backend whose templates are ``@component`` functions.

    ``OPTIONS``: ``context_processors`` (dotted paths, run on each render with a request) and
    ``suffixes`` (the name endings the engine claims; default ``[".html"]``; a name without
    any suffix is always claimed).
    """

    app_dirname = "components"

    def __init__(self, params: dict[str, Any]) -> None:
        params = params.copy()
        options = dict(params.pop("OPTIONS"))
        self.context_processors: list[str] = list(options.pop("context_processors", []))
        suffixes = options.pop("suffixes", [".html"])
        if options:
            unknown = ", ".join(repr(option) for option in options)
            raise ImproperlyConfigured(
                f"Unknown OPTIONS for the RustyTags template engine: {unknown}. "
                f"It takes: {', '.join(_OPTIONS)}."
            )
        if isinstance(suffixes, str) or not all(
            isinstance(suffix, str) and suffix.startswith(".") for suffix in suffixes
        ):
            raise ImproperlyConfigured(
                f"OPTIONS['suffixes'] of the RustyTags template engine must be a list of "
                f"suffixes starting with '.', like ['.html'], not {suffixes!r}."
            )
        self.suffixes: tuple[str, ...] = tuple(suffixes)
        super().__init__(params)
        self._templates: dict[str, Template | Tried] = {}

    @cached_property
    def template_context_processors(self) -> tuple[Callable[[HttpRequest], dict[str, Any]], ...]:
        """The context processors, imported once."""
        return tuple(import_string(path) for path in self.context_processors)

    @cached_property
    def loader(self) -> Loader:
        """The component loader over ``DIRS`` and the apps' ``components`` packages."""
        return Loader.for_engine(self.dirs, self.app_dirs, self.suffixes)

    def from_string(self, template_code: str) -> Template:
        """Refuse: components are Python functions, and source text is never executed."""
        raise NotImplementedError(
            "The RustyTags template engine renders @component functions and cannot compile "
            "a template from a string. Use get_template('app/name.html'), or a Django "
            "templates engine for string templates."
        )

    def get_template(self, template_name: str) -> Template:
        """Return the component *template_name* names; raise TemplateDoesNotExist if none."""
        try:
            found = self._templates[template_name]
        except KeyError:
            found = self._find(template_name)
            # A miss while a module fails to import is not kept: once fixed, it may hold the
            # name (runserver restarts on the fix; other servers would not).
            keep = isinstance(found, Template) or self.loader.imported_cleanly()
            if keep and len(self._templates) < _MAX_CACHED:
                self._templates[template_name] = found
        if isinstance(found, Template):
            return found
        tried = [(_origin(where, template_name, self), reason) for where, reason in found]
        raise TemplateDoesNotExist(template_name, tried=tried, backend=self)

    def _find(self, template_name: str) -> Template | Tried:
        found = self.loader.find(template_name)
        if isinstance(found, Found):
            origin = _origin(found.filename, template_name, self)
            return Template(found.spec, template_name, origin, self)
        return found

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        """Run the system checks of this engine (see rustytags_backend.checks)."""
        return check_engine(self)


def _origin(name: str, template_name: str, engine: RustyTags) -> Origin:
    # As in Django's dummy backend, the engine stands as the origin's loader, so the debug
    # page's postmortem names it ("rustytags_backend.backend.RustyTags").
    return Origin(name, template_name, engine)  # type: ignore[arg-type]


class Template:
    """A component as a Django template: ``render(context=None, request=None)``."""

    def __init__(self, spec: ComponentSpec, name: str, origin: Origin, backend: RustyTags) -> None:
        self.spec = spec
        self.name = name
        self.origin = origin
        self.backend = backend

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__} {self.name!r}: {self.spec.path}>"

    def render(
        self,
        context: Mapping[str, Any] | BaseContext | None = None,
        request: HttpRequest | None = None,
    ) -> SafeString:
        """Call the component with the context as keyword arguments; return its markup.

        With a request, ``request``, ``csrf_input``, ``csrf_token`` and the context
        processors' values are added; the context given wins over them.
        """
        values: Mapping[str, Any]
        if isinstance(context, BaseContext):
            # {% include component %} passes the including template's Context.
            request = request or getattr(context, "request", None)
            values = cast("dict[str, Any]", context.flatten())
        else:
            values = context or {}
        if request is not None:
            values = {
                "request": request,
                "csrf_input": csrf_input_lazy(request),
                "csrf_token": csrf_token_lazy(request),
                **_processed(self.backend.template_context_processors, request),
                **values,
            }
        if template_rendered.receivers:
            # The test client and the debug toolbar listen: Django's templates only send this
            # under the test runner's instrumentation, the engine sends it always.
            template_rendered.send(sender=self, template=self, context=Context(dict(values)))
        # as_markup() refuses rusty-tags output: it escapes nothing, so it may hold user data
        # as live HTML.
        return as_markup(self.spec.function(**self.spec.arguments(values, self.name)))


def _processed(
    processors: tuple[Callable[[HttpRequest], dict[str, Any]], ...], request: HttpRequest
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for processor in processors:
        values.update(processor(request))
    return values
