"""``{% load rustytags %}``: render components inside Django templates."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import template
from django.core.exceptions import ImproperlyConfigured
from django.template.base import FilterExpression, Node, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from rustytags_backend.backend import RustyTags

register = template.Library()


def _engine() -> RustyTags:
    from django.template import engines

    from rustytags_backend.backend import RustyTags

    for engine in engines.all():
        if isinstance(engine, RustyTags):
            return engine
    raise ImproperlyConfigured(
        "{% component %} needs a RustyTags engine: add "
        "{'BACKEND': 'rustytags_backend.RustyTags', 'APP_DIRS': True} to TEMPLATES."
    )


class ComponentNode(Node):
    def __init__(
        self, name: FilterExpression, values: dict[str, FilterExpression], only: bool
    ) -> None:
        self.name = name
        self.values = values
        self.only = only

    def render(self, context: Context) -> SafeString:
        name = self.name.resolve(context)
        if not isinstance(name, str):
            raise TypeError(
                f"{{% component %}} takes a component name, a str such as 'app/name.html', "
                f"not {name!r} ({self.name.token!r} in the template)."
            )
        values = {key: value.resolve(context) for key, value in self.values.items()}
        if not self.only:
            values = {**cast("dict[str, Any]", context.flatten()), **values}
        # The component's output passes as_markup(), which refuses rusty-tags output; Django
        # adds the template's position to the error for its debug page.
        return _engine().get_template(name).render(values, getattr(context, "request", None))


@register.tag
def component(parser: Parser, token: Token) -> ComponentNode:
    """``{% component "app/name.html" key=value ... [only] %}``: render a component.

    The component receives the template's context with the given values on top (or only the
    given values, with ``only``), and the request of the surrounding template.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            f'{bits[0]!r} takes a component name: {{% component "app/name.html" key=value ... %}}.'
        )
    only = bits[-1] == "only"
    remaining = bits[2:-1] if only else bits[2:]
    values = token_kwargs(remaining, parser, support_legacy=False)
    if remaining:
        raise template.TemplateSyntaxError(
            f"{bits[0]!r} takes key=value arguments after the name, not {remaining[0]!r}."
        )
    return ComponentNode(parser.compile_filter(bits[1]), values, only)
