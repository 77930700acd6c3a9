"""manage.py nitro_createtables: create the entity tables that do not exist yet."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from sqlalchemy.exc import SQLAlchemyError

from nitro_dispatch._schema import Drift, compare
from nitro_dispatch._tables import reference_django_tables
from nitro_dispatch.conf import get_settings
from nitro_dispatch.db import get_engine
from nitro_dispatch.entity import Entity


class Command(BaseCommand):
    help = (
        "Create the table of every entity that has none yet, in the entity database or the one "
        "given. Existing tables are left as they are (no columns are added or changed): the "
        "columns they lack are reported. migrate does the same after migrating. Safe to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            default=None,
            help='The DATABASES alias (default: NITRO_DISPATCH["DATABASE"], "default").',
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Create nothing: list the entity tables and columns the database lacks or holds "
            "differently (checks nitro_dispatch.W004 to W006), and exit with status 1 if there "
            "are any.",
        )

    def handle(
        self, *args: Any, database: str | None = None, check: bool = False, **options: Any
    ) -> None:
        alias = database or get_settings().DATABASE
        reference_django_tables(apps.get_models())
        drift = self._compare(alias)
        if check:
            found = drift.messages()
            if found:
                listed = "\n".join(_describe(message) for message in found)
                raise CommandError(f"DATABASES[{alias!r}] differs from the entities:\n{listed}")
            self.stdout.write("Every entity table and column exists.")
            return
        Entity.metadata.create_all(get_engine(alias), tables=drift.missing)
        if drift.missing:
            self.stdout.write(f"Created {', '.join(table.name for table in drift.missing)}.")
        else:
            self.stdout.write("Every entity table exists already.")
        for message in drift.columns:  # the tables created have every column
            self.stderr.write(_describe(message))

    def _compare(self, alias: str) -> Drift:
        try:
            return compare(alias)
        except (DatabaseError, SQLAlchemyError) as exc:
            raise CommandError(f"DATABASES[{alias!r}] could not be read: {exc}") from exc


def _describe(message: CheckMessage) -> str:
    return f"({message.id}) {message.msg}\n\tHINT: {message.hint}"
