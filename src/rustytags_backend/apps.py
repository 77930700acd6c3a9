"""The rustytags_backend app: its template tag library and its system checks."""

from __future__ import annotations

import django
from django.apps import AppConfig
from django.core import checks
from django.utils.autoreload import autoreload_started


class RustyTagsConfig(AppConfig):
    """Add ``rustytags_backend`` to ``INSTALLED_APPS`` for ``{% load rustytags %}`` and checks."""

    name = "rustytags_backend"
    verbose_name = "RustyTags"

    def ready(self) -> None:
        from .autoreload import watch_components
        from .checks import check_engines

        autoreload_started.connect(watch_components, dispatch_uid=f"{self.name}.watch_components")
        if django.VERSION < (5, 1):  # later versions call every engine's check() themselves
            checks.register(check_engines, checks.Tags.templates)
