"""System checks of nitro_dispatch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.core.checks import Warning
from django.test import SimpleTestCase

from nitro_dispatch.checks import check_entities
from tests.ported.entities import Turnstile

ROOT = Path(__file__).resolve().parent.parent.parent
# Nitro's Counter has a field named count.
TURNSTILE_COUNT = Warning(
    "The field 'count' of tests.ported.entities.Turnstile hides Entity.count(): "
    "Turnstile.count is the field, so Turnstile.count() fails. Entity's other methods still work "
    "on Turnstile: none of them uses count.",
    hint="Rename the field to call Turnstile.count(); its column can keep its name: "
    "Field(..., sa_column_kwargs={'name': 'count'}).",
    obj=Turnstile,
    id="nitro_dispatch.W008",
)


class CheckTests(SimpleTestCase):
    def test_columns_left_out_of_the_admin(self):
        from tests.todos.entities import Typed

        hint = "Change the field's type, or give the entity its own admin (admin = ...)."
        found = [message for message in check_entities() if message.id == "nitro_dispatch.W002"]
        assert found == [
            Warning(
                f"tests.todos.entities.Typed.{column} is not in the admin: {reason}.",
                hint=hint,
                obj=Typed,
                id="nitro_dispatch.W002",
            )
            for column, reason in [
                ("loose", "a Decimal needs Field(max_digits=..., decimal_places=...)"),
                (
                    "elsewhere",
                    "its foreign key 'nowhere.id' names no entity, nor a Django model of an app "
                    "listed before nitro_dispatch in INSTALLED_APPS",
                ),
                ("span", "the admin has no field for its type Interval()"),
            ]
        ]

    def test_field_hiding_an_entity_method(self):
        found = [message for message in check_entities() if message.id == "nitro_dispatch.W008"]
        assert found == [TURNSTILE_COUNT]

    def test_problems_are_reported_by_manage_py_check(self):
        # Entity classes are process-wide, so the faulty ones are defined in another process.
        completed = subprocess.run(
            [sys.executable, "-m", "django", "check"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings_problems"},
            timeout=120,
        )
        assert (completed.returncode, completed.stderr.splitlines()[2:]) == (
            1,
            [
                "ERRORS:",
                "<class 'tests.todos.problems.Clash'>: (nitro_dispatch.E001) "
                "tests.todos.problems.Clash.first and tests.todos.problems.Clash.second are both "
                "GET 'clash/same'; only tests.todos.problems.Clash.first is served.",
                "\tHINT: Give one of them another path=, or another __route_name__ to its entity.",
                "<class 'tests.todos.problems.Clash'>: (nitro_dispatch.E002) "
                "tests.todos.problems.Clash.opaque has a parameter pydantic cannot validate "
                "(Unable to generate pydantic-core schema for <class "
                "'tests.todos.problems.Opaque'>).",
                "\tHINT: Annotate parameters with JSON-compatible types, pydantic models or "
                "dataclasses; take the request as a parameter named 'request'.",
                "",
                "WARNINGS:",
                "<class 'tests.ported.entities.Turnstile'>: (nitro_dispatch.W008) "
                f"{TURNSTILE_COUNT.msg}",
                f"\tHINT: {TURNSTILE_COUNT.hint}",
                "<class 'tests.todos.entities.Typed'>: (nitro_dispatch.W002) "
                "tests.todos.entities.Typed.elsewhere is not in the admin: its foreign key "
                "'nowhere.id' names no entity, nor a Django model of an app listed before "
                "nitro_dispatch in INSTALLED_APPS.",
                "\tHINT: Change the field's type, or give the entity its own admin (admin = ...).",
                "<class 'tests.todos.entities.Typed'>: (nitro_dispatch.W002) "
                "tests.todos.entities.Typed.loose is not in the admin: a Decimal needs "
                "Field(max_digits=..., decimal_places=...).",
                "\tHINT: Change the field's type, or give the entity its own admin (admin = ...).",
                "<class 'tests.todos.entities.Typed'>: (nitro_dispatch.W002) "
                "tests.todos.entities.Typed.span is not in the admin: the admin has no field for "
                "its type Interval().",
                "\tHINT: Change the field's type, or give the entity its own admin (admin = ...).",
                "<class 'tests.todos.problems.Forgotten'>: (nitro_dispatch.W001) "
                "tests.todos.problems.Forgotten is an Entity without table=True, and no table "
                "entity inherits from it: it has no table and its actions are not routed.",
                "\tHINT: Declare it as class Forgotten(Entity, table=True).",
                "",
                "System check identified 7 issues (0 silenced).",
            ],
        )
