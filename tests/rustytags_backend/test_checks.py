"""System checks of the RustyTags engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.checks import Error, Tags, Warning, run_checks
from django.test import SimpleTestCase, override_settings

from rustytags_backend import RustyTags
from tests.rustytags_backend.test_loader import _tmpdir, write

DUPLICATE = """
import json
from rustytags_backend import component
from rustytags_backend.html import P

@component("shared.html")
def first() -> str:
    return P("1")

@component("shared.html")
def second() -> str:
    return P("2")
"""
SHADOWING = """
from rustytags_backend import component

@component("dup/other.html")
def other() -> str:
    return ""
"""
UNESCAPED = """
from rusty_tags import Div
from rustytags_backend import component

@component
def page() -> str:
    return str(Div("x"))
"""
UNESCAPED_MODULE_IMPORT = """
import rusty_tags.core
from rustytags_backend import component

@component
def page() -> str:
    return ""
"""


def engine(directory: str) -> RustyTags:
    return RustyTags({"NAME": "rt", "DIRS": [directory], "APP_DIRS": False, "OPTIONS": {}})


class CheckTests(SimpleTestCase):
    def setUp(self):
        self.directory = self.enterContext(_tmpdir())

    def test_clean_engine_has_no_messages(self):
        from django.template import engines

        assert engines["rustytags_backend"].check() == []

    def test_two_components_claiming_one_name(self):
        write(Path(self.directory), {"dup.py": DUPLICATE})
        rt = engine(self.directory)
        package = rt.loader.roots[0].package
        assert rt.check() == [
            Error(
                f"Two components in {package} claim the name 'shared': {package}.dup:first and "
                f"{package}.dup:second.",
                hint="Rename one of them, or remove the name from its @component(...).",
                obj=rt,
                id="rustytags_backend.E001",
            )
        ]

    def test_extra_name_claiming_a_module_path_name(self):
        write(
            Path(self.directory),
            {
                "dup.py": SHADOWING.replace('"dup/other.html"', ""),
                "more.py": SHADOWING.replace("other()", "more()"),
            },
        )
        rt = engine(self.directory)
        assert [message.id for message in rt.check()] == ["rustytags_backend.E001"]

    def test_component_module_importing_rusty_tags(self):
        write(Path(self.directory), {"raw.py": UNESCAPED})
        rt = engine(self.directory)
        filename = str(Path(self.directory).resolve() / "raw.py")
        assert rt.check() == [
            Warning(
                f"Component module {filename} imports from rusty_tags directly; rusty-tags "
                "escapes nothing, so text and attribute values in its tags are not escaped.",
                hint="Import tags from rustytags_backend.html instead.",
                obj=rt,
                id="rustytags_backend.W001",
            )
        ]

    def test_module_import_of_rusty_tags_is_found_too(self):
        write(Path(self.directory), {"raw2.py": UNESCAPED_MODULE_IMPORT})
        assert [message.id for message in engine(self.directory).check()] == [
            "rustytags_backend.W001"
        ]

    def test_checks_run_through_the_check_framework(self):
        write(Path(self.directory), {"dup.py": DUPLICATE})
        templates: list[dict[str, Any]] = [
            {"BACKEND": "rustytags_backend.RustyTags", "DIRS": [self.directory]},
            {"BACKEND": "django.template.backends.django.DjangoTemplates"},
        ]
        with override_settings(TEMPLATES=templates):
            ids = [message.id for message in run_checks(tags=[Tags.templates])]
        assert ids == ["rustytags_backend.E001"]
