"""System checks of the RustyTags engine."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.core.checks import Error, Tags, Warning, run_checks
from django.test import SimpleTestCase, override_settings

from rustytags_backend import RustyTags
from rustytags_backend.apps import RustyTagsConfig
from tests.rustytags_backend.test_loader import SYNTAX_ERROR, _tmpdir, engine_first, write

PORTED = Path(__file__).resolve().parent.parent / "ported_components"
UNESCAPED_END = (
    "; rusty-tags escapes nothing, so text and attribute values in its tags are not escaped, "
    "and the engine refuses to render its output."
)

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
                f"Component module {filename}, line 2: 'from rusty_tags import Div' imports "
                "rusty-tags tags (Div)" + UNESCAPED_END,
                hint="Import them from rustytags_backend.html: "
                "'from rustytags_backend.html import Div'.",
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


def unescaped(engine: RustyTags) -> list[tuple[str, str | None]]:
    """The messages and hints of the engine's W001 warnings."""
    return [(m.msg, m.hint) for m in engine.check() if m.id == "rustytags_backend.W001"]


def ported(case: str) -> RustyTags:
    """An engine on the components folder of one case of tests/ported_components."""
    return engine(str(PORTED / "roots" / case))


class UnescapedImportReachTests(SimpleTestCase):
    """W001 follows a component module's imports through the project's modules."""

    def test_component_module_importing_rusty_tags(self):
        rt = ported("direct")
        assert rt.check() == [
            Warning(
                f"Component module {PORTED}/roots/direct/ported_direct.py, line 3: "
                "'from rusty_tags import Div' imports rusty-tags tags (Div)" + UNESCAPED_END,
                hint="Import them from rustytags_backend.html: "
                "'from rustytags_backend.html import Div'.",
                obj=rt,
                id="rustytags_backend.W001",
            )
        ]

    def test_project_module_two_imports_away(self):
        assert unescaped(ported("chained")) == [
            (
                f"{PORTED}/rusty_widgets.py, line 5 (component module "
                f"{PORTED}/roots/chained/ported_chained.py imports {PORTED}/widgets.py, which "
                "imports it): 'import rusty_tags as rt' imports rusty-tags tags" + UNESCAPED_END,
                "Import rustytags_backend.html in its place: "
                "'import rustytags_backend.html as rt'.",
            )
        ]

    def test_module_imported_inside_a_function_is_read_not_imported(self):
        assert unescaped(ported("lazy")) == [
            (
                f"{PORTED}/never_imported.py, line 5 (component module "
                f"{PORTED}/roots/lazy/ported_lazy.py imports it): 'from rusty_tags import P' "
                "imports rusty-tags tags (P)" + UNESCAPED_END,
                "Import them from rustytags_backend.html: 'from rustytags_backend.html import P'.",
            )
        ]
        assert "tests.ported_components.never_imported" not in sys.modules

    def test_datastar_imports_alone_are_not_reported(self):
        # The component module and its helper import rusty_tags.datastar three ways; the
        # rusty_tags package itself (site-packages) is not followed.
        assert ported("datastar_only").check() == []

    def test_module_reached_twice_is_reported_once(self):
        directory = Path(self.enterContext(_tmpdir())).resolve()
        helper = "from tests.ported_components.rusty_widgets import badge\n"
        write(directory, {"a.py": helper + COMPONENT, "b.py": helper + COMPONENT})
        [(message, _)] = unescaped(engine(str(directory)))
        assert message.startswith(
            f"{PORTED}/rusty_widgets.py, line 5 (component module {directory}/a.py imports it)"
        )

    def test_relative_import_in_a_components_folder(self):
        directory = Path(self.enterContext(_tmpdir())).resolve()
        write(
            directory,
            {
                "helpers.py": "from rusty_tags import B\n",
                "page.py": "from . import helpers\n" + COMPONENT,
            },
        )
        [(message, _)] = unescaped(engine(str(directory)))
        assert message.startswith(
            f"{directory}/helpers.py, line 1 (component module {directory}/page.py imports it)"
        )

    def test_module_with_a_syntax_warning_is_read(self):
        # sub/ has no __init__.py, so the engine's scan does not import warns.py, which would
        # fail here: the test settings turn warnings into errors.
        directory = Path(self.enterContext(_tmpdir())).resolve()
        lazy = COMPONENT + "\n\ndef later() -> None:\n    from .sub import warns\n"
        warns = 'from rusty_tags import B\nPATTERN = "\\d+"\n'
        write(directory, {"page.py": lazy, "sub/warns.py": warns})
        [(message, _)] = unescaped(engine(str(directory)))
        assert message.startswith(
            f"{directory}/sub/warns.py, line 1 (component module {directory}/page.py imports it)"
        )

    def test_relative_import_above_the_top_package_is_skipped(self):
        directory = Path(self.enterContext(_tmpdir())).resolve()
        source = COMPONENT + "\ndef later() -> None:\n    from ... import nowhere\n"
        write(directory, {"page.py": source})
        assert engine(str(directory)).check() == []

    def test_module_that_does_not_parse_is_left_to_e002(self):
        directory = Path(self.enterContext(_tmpdir())).resolve()
        source = COMPONENT + "\n\ndef later() -> None:\n    from . import broken\n"
        write(directory, {"page.py": source, "broken.py": SYNTAX_ERROR})
        assert [message.id for message in engine(str(directory)).check()] == [
            "rustytags_backend.E002"
        ]


COMPONENT = """
from rustytags_backend import component


@component
def page() -> str:
    return ""
"""

# Nitro is not installed here: its imports sit in a function, never run, and are read only.
REPORTED = [
    (
        "import rusty_tags as rt",
        "imports rusty-tags tags",
        "Import rustytags_backend.html in its place: 'import rustytags_backend.html as rt'.",
    ),
    (
        "import rusty_tags",
        "imports rusty-tags tags",
        "Import rustytags_backend.html in its place: 'from rustytags_backend import html', and "
        "write html.Div for rusty_tags.Div.",
    ),
    (
        "import rusty_tags.core",
        "imports rusty-tags tags",
        "Import rustytags_backend.html in its place: 'from rustytags_backend import html', and "
        "write html.Div for rusty_tags.core.Div.",
    ),
    (
        "from rusty_tags import Div, P as Para, datastar",
        "imports rusty-tags tags (Div, P as Para)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Div, P as "
        "Para'.",
    ),
    (
        "from rusty_tags.core import HtmlString",
        "imports rusty-tags tags (HtmlString)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import HtmlString'.",
    ),
    (
        "from nitro import Div, Entity",
        "imports rusty-tags tags (Div)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Div'.",
    ),
    (
        "from nitro.html import Span, Signals",
        "imports rusty-tags tags (Span)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Span'.",
    ),
    (
        "from nitro.html.templating import Page",
        "imports rusty-tags tags (Page)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Page'.",
    ),
    (
        "from nitro import html, Div",
        "imports rusty-tags tags (html, Div)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Div' and "
        "'from rustytags_backend import html'.",
    ),
    (
        "import nitro.html as h",
        "imports rusty-tags tags",
        "Import rustytags_backend.html in its place: 'import rustytags_backend.html as h'.",
    ),
    (
        "from nitro.html.components import Button",
        "imports nitro components (Button), made of rusty-tags tags",
        "nitro's components are made of rusty-tags tags: write them with the tags of "
        "rustytags_backend.html.",
    ),
    (
        "from nitro.html import components",
        "imports nitro components (components), made of rusty-tags tags",
        "nitro's components are made of rusty-tags tags: write them with the tags of "
        "rustytags_backend.html.",
    ),
    (
        "import nitro.html.components.button",
        "imports rusty-tags tags",
        "nitro's components are made of rusty-tags tags: write them with the tags of "
        "rustytags_backend.html.",
    ),
]


@pytest.mark.parametrize(("statement", "what", "hint"), REPORTED, ids=[r[0] for r in REPORTED])
def test_import_is_reported(statement: str, what: str, hint: str) -> None:
    with _tmpdir() as name:
        directory = Path(name).resolve()
        write(directory, {"page.py": f"{COMPONENT}\n\ndef later() -> None:\n    {statement}\n"})
        assert unescaped(engine(str(directory))) == [
            (
                f"Component module {directory}/page.py, line 11: {statement!r} {what}"
                + UNESCAPED_END,
                hint,
            )
        ]


STAR_HINT = "Import them from rustytags_backend.html: 'from rustytags_backend.html import *'."


@pytest.mark.parametrize("package", ["rusty_tags", "nitro", "nitro.html"])
def test_star_import_is_reported(package: str) -> None:
    # A star import is allowed only at module level: it is in a module of its own, which the
    # component module imports inside a function (nitro, not installed here, fails to import).
    with _tmpdir() as name:
        directory = Path(name).resolve()
        statement = f"from {package} import *"
        lazy = f"{COMPONENT}\n\ndef later() -> None:\n    from . import star\n"
        write(directory, {"page.py": lazy, "star.py": statement + "\n"})
        assert unescaped(engine(str(directory))) == [
            (
                f"{directory}/star.py, line 1 (component module {directory}/page.py imports it): "
                f"{statement!r} imports rusty-tags tags" + UNESCAPED_END,
                STAR_HINT,
            )
        ]


USED = [
    (
        "import nitro\nnitro.Entity\nnitro.Div('a')\nnitro.html.P()",
        "gives rusty-tags tags, used as nitro.Div (line 13), nitro.html.P (line 14)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Div, P', "
        "and write Div for nitro.Div.",
    ),
    (
        "import nitro as n\nn.Span()",
        "gives rusty-tags tags, used as n.Span (line 12)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import Span', "
        "and write Span for n.Span.",
    ),
    (
        "import rusty_tags.datastar\nrusty_tags.datastar.js('x')\nrusty_tags.B('b')",
        "gives rusty-tags tags, used as rusty_tags.B (line 13)",
        "Import them from rustytags_backend.html: 'from rustytags_backend.html import B', "
        "and write B for rusty_tags.B.",
    ),
]


@pytest.mark.parametrize(("source", "what", "hint"), USED, ids=[u[0].split("\n")[0] for u in USED])
def test_tags_used_through_a_package_import_are_reported(source: str, what: str, hint: str) -> None:
    with _tmpdir() as name:
        directory = Path(name).resolve()
        body = source.replace("\n", "\n    ")
        write(directory, {"page.py": f"{COMPONENT}\n\ndef later() -> None:\n    {body}\n"})
        statement = source.split("\n")[0]
        assert unescaped(engine(str(directory))) == [
            (
                f"Component module {directory}/page.py, line 11: {statement!r} {what}"
                + UNESCAPED_END,
                hint,
            )
        ]


NOT_REPORTED = [
    "from rusty_tags.datastar import Signal",
    "import rusty_tags.datastar as ds",
    "from rusty_tags import datastar",
    "import rusty_tags.datastar\nrusty_tags.datastar.js('x')",
    "from nitro import Entity, action",
    "from nitro.html import Signals, DS",
    "from nitro.html.datastar import *",
    "import nitro.html.datastar as ds",
    "import nitro\nnitro.Entity\nnitro.html.datastar.Signal\nf().Div",
    "import nitro.html.datastar\nnitro.html.datastar.js('x')",
    "from . import rusty_tags",
]


@pytest.mark.parametrize("source", NOT_REPORTED, ids=[n.split("\n")[0] for n in NOT_REPORTED])
def test_import_is_not_reported(source: str) -> None:
    with _tmpdir() as name:
        body = source.replace("\n", "\n    ")
        write(Path(name), {"page.py": f"{COMPONENT}\n\ndef later() -> None:\n    {body}\n"})
        assert unescaped(engine(name)) == []


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
