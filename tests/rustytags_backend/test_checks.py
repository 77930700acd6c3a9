"""System checks of the RustyTags engine."""

from __future__ import annotations

from pathlib import Path

from django.core.checks import Error, Tags, Warning, run_checks
from django.test import SimpleTestCase, override_settings

from rustytags_backend import RustyTags
from rustytags_backend.apps import RustyTagsConfig
from tests.rustytags_backend.test_loader import SYNTAX_ERROR, _tmpdir, engine_first, write

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


def template_check_ids(directory: Path | str) -> list[str | None]:
    """The ids the check framework reports for an engine on *directory* and Django's."""
    with override_settings(TEMPLATES=engine_first(directory)):
        return [message.id for message in run_checks(tags=[Tags.templates])]


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
        assert template_check_ids(self.directory) == ["rustytags_backend.E001"]


BROKEN_HINT = (
    "Fix the error. Until then the engine serves the other components and lists this module "
    "among the places tried when a name is not found; asking for a component of this module "
    "raises the error."
)


class BrokenModuleCheckTests(SimpleTestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(_tmpdir())).resolve()

    def test_modules_that_cannot_be_imported(self):
        write(
            self.directory,
            {"broken.py": SYNTAX_ERROR, "raises.py": "x = 1\nraise RuntimeError('boom')\n"},
        )
        rt = engine(str(self.directory))
        broken, raises = self.directory / "broken.py", self.directory / "raises.py"
        assert rt.check() == [
            Error(
                f"Component module {filename} cannot be imported: {error} ({filename}, line 2).",
                hint=BROKEN_HINT,
                obj=rt,
                id="rustytags_backend.E002",
            )
            for filename, error in [
                (broken, "SyntaxError: invalid syntax"),
                (raises, "RuntimeError: boom"),
            ]
        ]

    def test_other_modules_are_still_checked(self):
        write(
            self.directory,
            {"broken.py": SYNTAX_ERROR, "dup.py": DUPLICATE, "raw.py": UNESCAPED},
        )
        assert [message.id for message in engine(str(self.directory)).check()] == [
            "rustytags_backend.E001",
            "rustytags_backend.W001",
            "rustytags_backend.E002",
        ]

    def test_broken_module_through_the_check_framework(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        assert template_check_ids(self.directory) == ["rustytags_backend.E002"]


CSRF_MESSAGE = (
    "The static file rustytags_backend/csrf.js is not found by the staticfiles finders. "
    "Page(request=...) links it: the page gets a 404 for it, and Django's CSRF protection "
    "refuses the page's Datastar POST, PUT, PATCH and DELETE requests."
)
ERRORS_MESSAGE = (
    "The static file rustytags_backend/errors.js is not found by the staticfiles finders. "
    "Page(request=...) links it: the page gets a 404 for it, and a Datastar request that fails "
    "outside an action (a middleware's refusal, a proxy's error, the network) shows nothing."
)
STATIC = Path(__file__).resolve().parent / "static" / "rustytags_backend"
FILE_SYSTEM_FINDER = "django.contrib.staticfiles.finders.FileSystemFinder"
APPS_WITHOUT_THIS_ONE = ["django.contrib.contenttypes", "django.contrib.auth"]


class ElsewhereConfig(RustyTagsConfig):
    """rustytags_backend as installed from a package that lacks its static files."""

    path = str(Path(__file__).resolve().parent)


class ScriptCheckTests(SimpleTestCase):
    # The staticfiles finders are cached, but changes to INSTALLED_APPS and STATICFILES_DIRS
    # clear the cache (django.test.signals), and STATICFILES_FINDERS is read on each find().

    def setUp(self):
        self.engine = RustyTags({"NAME": "rt", "DIRS": [], "APP_DIRS": False, "OPTIONS": {}})

    def errors(
        self, hint: str | None = None, *, scripts: tuple[str, ...] = ("csrf", "errors")
    ) -> list[Error]:
        """E003 for each script, with *hint*, or the reinstall hint naming each one's path."""
        messages = {"csrf": CSRF_MESSAGE, "errors": ERRORS_MESSAGE}
        reinstall = "Reinstall django-rustytags: {} is missing from the installed package."
        return [
            Error(
                messages[script],
                hint=hint or reinstall.format(STATIC / f"{script}.js"),
                obj=self.engine,
                id="rustytags_backend.E003",
            )
            for script in scripts
        ]

    def test_without_the_app_directories_finder(self):
        with override_settings(STATICFILES_FINDERS=[FILE_SYSTEM_FINDER]):
            missing = self.engine.check()
            with _tmpdir() as directory:
                write(Path(directory), {"rustytags_backend/csrf.js": "// a copy\n"})
                with override_settings(STATICFILES_DIRS=[directory]):
                    one_copied = self.engine.check()
        hint = (
            "Add 'django.contrib.staticfiles.finders.AppDirectoriesFinder' to "
            "STATICFILES_FINDERS, or copy the script into a folder of STATICFILES_DIRS."
        )
        assert (missing, one_copied) == (self.errors(hint), self.errors(hint, scripts=("errors",)))

    def test_without_the_app(self):
        with override_settings(
            INSTALLED_APPS=[*APPS_WITHOUT_THIS_ONE, "django.contrib.staticfiles"]
        ):
            missing = self.engine.check()
        with override_settings(INSTALLED_APPS=APPS_WITHOUT_THIS_ONE):
            without_staticfiles = self.engine.check()
        hint = "Add 'rustytags_backend' to INSTALLED_APPS: the script is in its static folder."
        assert (missing, without_staticfiles) == (self.errors(hint), [])

    def test_package_without_the_script(self):
        config = f"{__name__}.ElsewhereConfig"
        with override_settings(INSTALLED_APPS=[config, "django.contrib.staticfiles"]):
            messages = self.engine.check()
        assert messages == self.errors()
