"""manage.py nitro_routes: list the URLs of entity actions."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from nitro_dispatch.dispatcher import routed


class Command(BaseCommand):
    help = (
        "List every entity action the URLconf routes through a DjangoDispatcher: HTTP method, "
        "URL, URL name (for reverse() and {% url %}) and the entity method it calls."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = [(route.metadata.method, url, name, route.path) for url, name, route in routed()]
        if not rows:
            self.stdout.write(
                "No entity actions are routed: add path('api/', include(DjangoDispatcher().urls)) "
                "to the URLconf."
            )
            return
        widths = [max(len(row[column]) for row in rows) for column in range(3)]
        for method, url, name, function in rows:
            self.stdout.write(
                f"{method:<{widths[0]}}  {url:<{widths[1]}}  {name:<{widths[2]}}  {function}"
            )
