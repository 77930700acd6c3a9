"""manage.py nitro_createtables: create the entity tables that do not exist yet."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from sqlalchemy import inspect

from nitro_dispatch.conf import get_settings
from nitro_dispatch.db import get_engine
from nitro_dispatch.entity import Entity, entity_tables, reference_django_tables


class Command(BaseCommand):
    help = (
        "Create the table of every entity that has none yet, in the entity database or the one "
        "given. Existing tables are left as they are (no columns are added or changed); "
        "migrate does the same after migrating. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            default=None,
            help='The DATABASES alias (default: NITRO_DISPATCH["DATABASE"], "default").',
        )

    def handle(self, *args: Any, database: str | None = None, **options: Any) -> None:
        engine = get_engine(database or get_settings().DATABASE)
        reference_django_tables(apps.get_models())
        tables = entity_tables()
        existing = set(inspect(engine).get_table_names())
        Entity.metadata.create_all(engine, tables=tables)
        created = [table.name for table in tables if table.name not in existing]
        if created:
            self.stdout.write(f"Created {', '.join(created)}.")
        else:
            self.stdout.write("Every entity table exists already.")
