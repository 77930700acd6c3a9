"""How the RustyTags engine finds components by name, and how it reports misses."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.template.loader import get_template, render_to_string
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.views.debug import ExceptionReporter

from rustytags_backend import RustyTags
from rustytags_backend.loader import Broken

TESTS = Path(__file__).resolve().parent.parent
PROJECT_COMPONENTS = TESTS / "project_components"


def engine(**params: Any) -> RustyTags:
    options = params.pop("OPTIONS", {})
    return RustyTags({"NAME": "rt", "DIRS": [], "APP_DIRS": True, "OPTIONS": options, **params})


def write(directory: Path, files: dict[str, str]) -> Path:
    for name, source in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return directory


COMPONENT_MODULE = """
from rustytags_backend import component
from rustytags_backend.html import P

@component
def page(text: str = "ok") -> str:
    return P(text)
"""


class PathNameTests(SimpleTestCase):
    def test_module_and_function(self):
        assert engine().get_template("pages/hello.html").render({"name": "A"}) == (
            "<p>Hello A!</p>"
        )

    def test_suffix_is_optional(self):
        assert engine().get_template("pages/hello").render({"name": "A"}) == "<p>Hello A!</p>"

    def test_function_in_the_components_package_itself(self):
        assert engine().get_template("home.html").render() == "<h1>Home</h1>"

    def test_module_in_a_subpackage(self):
        template = engine().get_template("testapp/partials/row.html")
        assert template.render({"cells": ["a", "<"]}) == "<tr><td>a</td><td>&lt;</td></tr>"

    def test_module_that_is_a_package(self):
        assert engine().get_template("testapp/item_detail.html").spec.function.__name__ == (
            "item_detail"
        )

    def test_template_name_is_the_name_as_requested(self):
        assert engine().get_template("pages/hello").name == "pages/hello"

    def test_origin_names_the_file_and_the_requested_name(self):
        origin = engine().get_template("pages/hello.html").origin
        assert (origin.name, origin.template_name, origin.loader_name) == (
            str(TESTS / "testapp" / "components" / "pages.py"),
            "pages/hello.html",
            "rustytags_backend.backend.RustyTags",
        )

    def test_template_knows_its_backend(self):
        rt = engine()
        assert rt.get_template("pages/hello.html").backend is rt

    def test_same_name_gives_the_same_template_object(self):
        rt = engine()
        assert rt.get_template("pages/hello.html") is rt.get_template("pages/hello.html")

    def test_other_suffix_when_configured(self):
        rt = engine(OPTIONS={"suffixes": [".rt", ".html"]})
        assert rt.get_template("pages/hello.rt").render({"name": "B"}) == "<p>Hello B!</p>"


class ExtraNameTests(SimpleTestCase):
    def test_registered_name(self):
        assert engine().get_template("special/alias.html").render() == "<p>aliased</p>"

    def test_second_registered_name_without_suffix(self):
        assert engine().get_template("special/second.html").render() == "<p>aliased</p>"

    def test_registered_name_keeps_its_path_name(self):
        assert engine().get_template("pages/aliased.html").render() == "<p>aliased</p>"

    def test_registered_name_with_characters_a_module_cannot_have(self):
        directory = write(
            Path(self.enterContext(_tmpdir())),
            {"named.py": COMPONENT_MODULE.replace("@component", '@component("my-page.html")')},
        )
        assert engine(DIRS=[directory]).get_template("my-page.html").render() == "<p>ok</p>"


class DottedPathTests(SimpleTestCase):
    def test_dotted_path_to_a_component(self):
        template = engine().get_template("tests.testapp.components.pages:hello")
        assert template.render({"name": "C"}) == "<p>Hello C!</p>"

    def test_dotted_path_must_be_a_component(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("tests.testapp.components.pages:not_a_component")
        assert [reason for _, reason in excinfo.value.tried] == [
            "'not_a_component' is not marked @component"
        ]

    def test_dotted_path_outside_the_roots_is_not_imported(self):
        sys.modules.pop("tests.otherapp.unimported", None)
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("tests.otherapp.unimported:thing")
        assert [reason for _, reason in excinfo.value.tried] == [
            "Not imported, and not in a components package: the engine imports modules only "
            "from its components roots"
        ]
        assert "tests.otherapp.unimported" not in sys.modules

    def test_dotted_path_to_an_imported_module_outside_the_roots(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("json:dumps")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried] == [
            (json.__file__, "'dumps' is not marked @component")
        ]

    def test_dotted_path_that_is_malformed(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("tests..pages:hello")
        assert [reason for _, reason in excinfo.value.tried] == [
            "Not a component path: write 'package.module:function'"
        ]

    def test_dotted_path_inside_a_root_that_does_not_exist(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("tests.testapp.components.nothing:x")
        assert [reason for _, reason in excinfo.value.tried] == ["Source does not exist"]


class OverrideTests(SimpleTestCase):
    def test_first_app_wins(self):
        assert engine().get_template("pages/hello.html").render({"name": "D"}) == (
            "<p>Hello D!</p>"
        )

    def test_later_app_serves_names_earlier_apps_lack(self):
        assert engine().get_template("pages/only_here.html").render() == ("<p>only in otherapp</p>")

    @override_settings(INSTALLED_APPS=["rustytags_backend", "tests.otherapp", "tests.testapp"])
    def test_app_order_decides(self):
        assert engine().get_template("pages/hello.html").render({"name": "E"}) == (
            "<p>Other hello E</p>"
        )

    def test_dirs_come_before_apps(self):
        rt = engine(DIRS=[PROJECT_COMPONENTS])
        assert rt.get_template("pages/hello.html").render({"name": "F"}) == (
            "<p>Project hello F</p>"
        )

    def test_dirs_as_strings(self):
        rt = engine(DIRS=[str(PROJECT_COMPONENTS)])
        assert rt.get_template("pages/hello.html").render({"name": "G"}) == (
            "<p>Project hello G</p>"
        )

    def test_app_dirs_off_searches_only_dirs(self):
        rt = engine(DIRS=[PROJECT_COMPONENTS], APP_DIRS=False)
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("home.html")


class MissTests(SimpleTestCase):
    def test_miss_names_the_backend(self):
        rt = engine()
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            rt.get_template("nothing/here.html")
        assert excinfo.value.backend is rt

    def test_miss_lists_every_root_tried(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine(DIRS=[PROJECT_COMPONENTS]).get_template("nothing/here.html")
        tried = [
            (origin.name, origin.template_name, reason) for origin, reason in excinfo.value.tried
        ]
        assert tried == [
            (str(PROJECT_COMPONENTS / "nothing.py"), "nothing/here.html", "Source does not exist"),
            (
                str(TESTS / "testapp" / "components" / "nothing.py"),
                "nothing/here.html",
                "Source does not exist",
            ),
            (
                str(TESTS / "otherapp" / "components" / "nothing.py"),
                "nothing/here.html",
                "Source does not exist",
            ),
            (
                str(TESTS / "todos" / "components" / "nothing.py"),
                "nothing/here.html",
                "Source does not exist",
            ),
        ]

    def test_miss_of_a_function_in_an_existing_module(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine(APP_DIRS=False, DIRS=[PROJECT_COMPONENTS]).get_template("pages/missing.html")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried] == [
            (str(PROJECT_COMPONENTS / "pages.py"), "No component 'missing' in this module")
        ]

    def test_function_not_marked_is_a_miss(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("pages/not_a_component.html")
        assert excinfo.value.tried[0][1] == "'not_a_component' is not marked @component"

    def test_name_with_characters_a_module_cannot_have_is_looked_up_as_registered(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine(APP_DIRS=False, DIRS=[PROJECT_COMPONENTS]).get_template("some-page.html")
        assert [reason for _, reason in excinfo.value.tried] == [
            "No component registered as 'some-page'"
        ]

    def test_unclaimed_suffix_is_a_miss(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine().get_template("registration/password_reset_email.txt")
        assert [reason for _, reason in excinfo.value.tried] == [
            "Not a component name: components are named like 'app/module/function.html' "
            "(suffixes claimed: .html), without '..', a leading '/' or backslashes"
        ]

    def test_dirs_entry_that_does_not_exist_is_a_miss(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine(DIRS=[TESTS / "no-such-dir"], APP_DIRS=False).get_template("pages/hello.html")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried] == [
            (str(TESTS / "no-such-dir" / "pages.py"), "Source does not exist")
        ]

    def test_no_roots(self):
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            engine(APP_DIRS=False).get_template("pages/hello.html")
        assert [reason for _, reason in excinfo.value.tried] == [
            "No components roots: set DIRS or APP_DIRS"
        ]

    def test_miss_is_raised_again_on_the_next_lookup(self):
        rt = engine()
        for _ in range(2):
            with pytest.raises(TemplateDoesNotExist):
                rt.get_template("nothing/here.html")


@pytest.mark.parametrize(
    "name",
    [
        "../forbidden/pages/hello.html",
        "pages/../pages/hello.html",
        "/etc/passwd",
        "/pages/hello.html",
        "pages\\hello.html",
        "pages//hello.html",
        "./pages/hello.html",
        "pages/hello.html/",
        "",
    ],
)
def test_unsafe_name_is_a_miss_without_imports(name: str) -> None:
    before = set(sys.modules)
    with pytest.raises(TemplateDoesNotExist) as excinfo:
        engine().get_template(name)
    assert (
        excinfo.value.tried[0][1].startswith("Not a component name"),
        set(sys.modules) - before,
    ) == (
        True,
        set(),
    )


class BrokenModuleTests(SimpleTestCase):
    def setUp(self):
        self.directory = Path(self.enterContext(_tmpdir()))

    def test_syntax_error_is_a_template_syntax_error_at_load_time(self):
        write(self.directory, {"broken.py": "x = 1\ndef page(:\n    pass\n"})
        with pytest.raises(TemplateSyntaxError) as excinfo:
            engine(DIRS=[self.directory]).get_template("broken/page.html")
        debug = excinfo.value.template_debug  # type: ignore[attr-defined]
        assert (debug["name"], debug["line"], debug["during"], debug["total"]) == (
            str(self.directory.resolve() / "broken.py"),
            2,
            "def page(:",
            4,
        )

    def test_syntax_error_debug_lists_source_lines(self):
        source = "".join(f"x{n} = {n}\n" for n in range(30)) + "def (:\n"
        write(self.directory, {"long.py": source})
        with pytest.raises(TemplateSyntaxError) as excinfo:
            engine(DIRS=[self.directory]).get_template("long/page.html")
        debug = excinfo.value.template_debug  # type: ignore[attr-defined]
        assert (debug["line"], debug["top"], debug["bottom"], len(debug["source_lines"])) == (
            31,
            20,
            32,
            12,
        )

    def test_syntax_error_message(self):
        write(self.directory, {"broken2.py": "def page(:\n"})
        with pytest.raises(TemplateSyntaxError) as excinfo:
            engine(DIRS=[self.directory]).get_template("broken2/page.html")
        assert str(excinfo.value).startswith(
            f"invalid syntax ({self.directory.resolve() / 'broken2.py'}, line 1)"
        )

    def test_import_error_of_something_else_propagates(self):
        write(self.directory, {"needs.py": "import no_such_dependency_here\n"})
        with pytest.raises(ModuleNotFoundError) as excinfo:
            engine(DIRS=[self.directory]).get_template("needs/page.html")
        assert excinfo.value.name == "no_such_dependency_here"

    def test_error_raised_by_a_module_propagates(self):
        write(self.directory, {"raises.py": "raise RuntimeError('boom')\n"})
        with pytest.raises(RuntimeError, match="boom"):
            engine(DIRS=[self.directory]).get_template("raises/page.html")

    def test_directory_with_init_is_the_package_itself(self):
        write(self.directory, {"__init__.py": COMPONENT_MODULE})
        assert engine(DIRS=[self.directory]).get_template("page.html").render() == "<p>ok</p>"

    def test_directory_whose_init_fails_can_be_retried(self):
        write(self.directory, {"__init__.py": "raise RuntimeError('init')\n"})
        with pytest.raises(RuntimeError):
            engine(DIRS=[self.directory]).get_template("page.html")
        write(self.directory, {"__init__.py": COMPONENT_MODULE})
        assert engine(DIRS=[self.directory]).get_template("page.html").render() == "<p>ok</p>"


SYNTAX_ERROR = "x = 1\ndef page(:\n    pass\n"


def engine_first(directory: Path | str) -> list[dict[str, Any]]:
    """TEMPLATES: a RustyTags engine on *directory* only, then Django's with the apps'."""
    return [
        {"BACKEND": "rustytags_backend.RustyTags", "DIRS": [directory]},
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
    ]


NAMED_MODULE = COMPONENT_MODULE.replace("@component", '@component("named.html")')


class BrokenModuleBesideOthersTests(SimpleTestCase):
    """A module that fails to import breaks only the names that map to it."""

    def setUp(self):
        self.directory = Path(self.enterContext(_tmpdir())).resolve()

    def engine(self) -> RustyTags:
        return engine(DIRS=[self.directory], APP_DIRS=False)

    def broken_reason(self, filename: str = "broken.py") -> str:
        return (
            f"Failed to import: SyntaxError: invalid syntax ({self.directory / filename}, line 2)"
        )

    def test_registered_name_in_another_module_resolves(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR, "pages.py": NAMED_MODULE})
        assert self.engine().get_template("named.html").render() == "<p>ok</p>"

    def test_miss_lists_the_broken_module_and_why(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR, "pages.py": NAMED_MODULE})
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            self.engine().get_template("nothing/here.html")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried] == [
            (str(self.directory / "nothing.py"), "Source does not exist"),
            (str(self.directory / "broken.py"), self.broken_reason()),
        ]

    def test_miss_of_a_registered_name_lists_the_broken_module(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            self.engine().get_template("some-page.html")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried] == [
            (str(self.directory), "No component registered as 'some-page'"),
            (str(self.directory / "broken.py"), self.broken_reason()),
        ]

    def test_import_errors_are_listed_with_the_line_of_the_module(self):
        write(
            self.directory,
            {
                "needs.py": "x = 1\n\nimport no_such_dependency_here\n",
                "raises.py": "x = 1\nraise RuntimeError\n",
                "calls.py": "import json\n\njson.loads('{')\n",
            },
        )
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            self.engine().get_template("nothing/here.html")
        assert [reason for _, reason in excinfo.value.tried[1:]] == [
            "Failed to import: JSONDecodeError: Expecting property name enclosed in double "
            f"quotes: line 1 column 2 (char 1) ({self.directory / 'calls.py'}, line 3)",
            "Failed to import: ModuleNotFoundError: No module named 'no_such_dependency_here' "
            f"({self.directory / 'needs.py'}, line 3)",
            f"Failed to import: RuntimeError ({self.directory / 'raises.py'}, line 2)",
        ]

    def test_error_without_a_line_in_the_module_names_the_module(self):
        broken = Broken.of("/components/pages.py", RuntimeError("boom"))
        assert broken.reason == "Failed to import: RuntimeError: boom (/components/pages.py)"

    def test_syntax_error_in_a_module_it_imports_names_that_file(self):
        write(
            self.directory,
            {"helpers.py": SYNTAX_ERROR, "uses.py": "from . import helpers\n"},
        )
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            self.engine().get_template("nothing/here.html")
        assert [(origin.name, reason) for origin, reason in excinfo.value.tried[1:]] == [
            (str(self.directory / "helpers.py"), self.broken_reason("helpers.py")),
            (str(self.directory / "uses.py"), self.broken_reason("helpers.py")),
        ]

    def test_django_templates_behind_the_engine_still_resolve(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        with override_settings(TEMPLATES=engine_first(self.directory)):
            html = render_to_string("testapp/card.html", {"title": "T"})
        assert html == '<div class="card">T</div>\n'

    def test_debug_page_postmortem_lists_the_broken_module(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        with override_settings(TEMPLATES=engine_first(self.directory)):
            try:
                get_template("nothing/here.html")
            except TemplateDoesNotExist:
                html = ExceptionReporter(
                    RequestFactory().get("/"), *sys.exc_info()
                ).get_traceback_html()
        assert (
            f"rustytags_backend.backend.RustyTags</code>: {self.directory / 'broken.py'} "
            f"({self.broken_reason()})"
        ) in html

    def test_component_of_the_broken_module_is_still_a_syntax_error(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR, "pages.py": NAMED_MODULE})
        rt = self.engine()
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("named-missing.html")
        with pytest.raises(TemplateSyntaxError) as excinfo:
            rt.get_template("broken/page.html")
        debug = excinfo.value.template_debug  # type: ignore[attr-defined]
        assert (debug["name"], debug["line"], debug["during"]) == (
            str(self.directory / "broken.py"),
            2,
            "def page(:",
        )

    def test_fixed_module_is_seen_by_the_next_lookup(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        rt = self.engine()
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("other.html")
        write(self.directory, {"broken.py": NAMED_MODULE})
        assert rt.get_template("named.html").render() == "<p>ok</p>"

    def test_a_name_missed_while_its_module_was_broken_is_found_once_fixed(self):
        write(self.directory, {"broken.py": SYNTAX_ERROR})
        rt = self.engine()
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("named.html")
        write(self.directory, {"broken.py": NAMED_MODULE})
        assert rt.get_template("named.html").render() == "<p>ok</p>"

    def test_a_miss_is_kept_once_every_module_imports(self):
        write(self.directory, {"pages.py": NAMED_MODULE})
        rt = self.engine()
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("later.html")
        write(self.directory, {"later.py": NAMED_MODULE.replace("named.html", "later.html")})
        with pytest.raises(TemplateDoesNotExist):
            rt.get_template("later.html")

    def assert_package_fails_only_names_inside(self, rt: RustyTags, below: str) -> None:
        """With *below*/__init__.py broken, a name of a module inside raises its error, and a
        name whose module does not exist is a miss that lists the package."""
        init = self.directory / below / "__init__.py"
        prefix = f"{below}/" if below else ""
        write(self.directory, {f"{prefix}__init__.py": SYNTAX_ERROR, f"{prefix}inside.py": ""})
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            rt.get_template(f"{prefix}absent/page.html")
        with pytest.raises(TemplateSyntaxError) as raised:
            rt.get_template(f"{prefix}inside/page.html")
        assert (
            [(origin.name, reason) for origin, reason in excinfo.value.tried],
            raised.value.template_debug["name"],  # type: ignore[attr-defined]
        ) == (
            [
                (str(self.directory / prefix / "absent.py"), "Source does not exist"),
                (str(init), self.broken_reason(f"{prefix}__init__.py")),
            ],
            str(init),
        )

    def test_broken_package_fails_only_names_of_modules_inside_it(self):
        write(self.directory, {"pages.py": NAMED_MODULE})
        rt = self.engine()
        self.assert_package_fails_only_names_inside(rt, "sub")
        assert rt.get_template("named.html").render() == "<p>ok</p>"

    def test_broken_init_of_a_dirs_folder(self):
        self.assert_package_fails_only_names_inside(self.engine(), "")

    def test_dotted_path_below_a_broken_init(self):
        write(self.directory, {"__init__.py": SYNTAX_ERROR, "pages.py": COMPONENT_MODULE})
        rt = self.engine()
        package = rt.loader.roots[0].package
        with pytest.raises(TemplateDoesNotExist) as excinfo:
            rt.get_template(f"{package}.absent:page")
        with pytest.raises(TemplateSyntaxError):
            rt.get_template(f"{package}.pages:page")
        with pytest.raises(TemplateSyntaxError):
            rt.get_template(f"{package}:page")
        assert [reason for _, reason in excinfo.value.tried] == ["Source does not exist"]


class _tmpdir:
    """A temporary directory whose modules are forgotten afterwards."""

    def __enter__(self) -> str:
        import tempfile

        self._directory = tempfile.TemporaryDirectory()
        return self._directory.name

    def __exit__(self, *exc_info: object) -> None:
        resolved = str(Path(self._directory.name).resolve())
        for name, module in list(sys.modules.items()):
            if (getattr(module, "__file__", None) or "").startswith(resolved) or (
                name.startswith("_rustytags_components_")
                and any(resolved in p for p in getattr(module, "__path__", []))
            ):
                del sys.modules[name]
        self._directory.cleanup()
