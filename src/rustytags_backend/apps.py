"""The rustytags_backend app: its template tag library and its system checks."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.autoreload import autoreload_started


class RustyTagsConfig(AppConfig):
    """Add ``rustytags_backend`` to ``INSTALLED_APPS`` for ``{% load rustytags %}`` and checks."""

    name = "rustytags_backend"
    verbose_name = "RustyTags"

    def ready(self) -> None:
        from .autoreload import watch_components

        autoreload_started.connect(watch_components, dispatch_uid=f"{self.name}.watch_components")
