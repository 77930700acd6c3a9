"""The nitro_dispatch app: entity discovery, table creation, system checks."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules


class NitroDispatchConfig(AppConfig):
    """Imports each installed app's ``entities`` module and creates entity tables on migrate."""

    name = "nitro_dispatch"
    verbose_name = "Nitro entities"

    def ready(self) -> None:
        from .checks import check_entities

        autodiscover_modules("entities")
        post_migrate.connect(create_tables, sender=self, dispatch_uid=f"{self.name}.tables")
        checks.register(check_entities)


def create_tables(using: str, verbosity: int = 1, **kwargs: Any) -> None:
    """Create the tables of every entity missing from the entity database (idempotent)."""
    from .conf import get_settings
    from .db import get_engine
    from .entity import Entity

    if using != get_settings().DATABASE:
        return
    Entity.metadata.create_all(get_engine(using))
