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
        from ._lifecycle import connect_mirrors
        from .checks import check_entities
        from .dispatcher import discover_entities
        from .events import default_namespace
        from .live._broadcasts import connect_broadcasts
        from .mirrors import mirrors

        autodiscover_modules("entities")
        post_migrate.connect(create_tables, sender=self, dispatch_uid=f"{self.name}.tables")
        checks.register(check_entities)
        # Changes made in the admin send the entities' lifecycle events too, and with them
        # the entities' broadcasts.
        connect_mirrors(default_namespace, [(mirror.entity, mirror.model) for mirror in mirrors()])
        connect_broadcasts(discover_entities())


def create_tables(using: str, plan: Any = None, **kwargs: Any) -> None:
    """After ``migrate``: create missing entity tables. After ``flush``: empty them.

    ``flush`` (and so ``TransactionTestCase``) truncates the tables of Django's managed models
    only, then sends post_migrate without a migration plan, which ``migrate`` always gives.
    """
    from django.apps import apps

    from ._tables import entity_tables, reference_django_tables
    from .conf import get_settings
    from .db import get_engine
    from .entity import Entity

    if using != get_settings().DATABASE:
        return
    reference_django_tables(apps.get_models())
    engine = get_engine(using)
    if plan is None:
        with engine.begin() as connection:
            for table in reversed(entity_tables()):
                connection.execute(table.delete())
    else:
        Entity.metadata.create_all(engine, tables=entity_tables())
