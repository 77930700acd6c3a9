"""The examples in the README, the docs and the docstrings run, so they cannot go stale."""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.template import Template

import rustytags_backend.html

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCUMENTS = [README, *sorted((ROOT / "docs").glob("*.md"))]

# Each Python block runs in a fresh interpreter (entity classes are process-wide), with Django
# configured as the README sets it up, and with what blocks of a page take from earlier ones.
PRELUDE = """
from pathlib import Path
import django
from django.conf import settings
BASE_DIR = Path("/tmp")
settings.configure(
    SECRET_KEY="docs",
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rustytags_backend",
                    "nitro_dispatch"],
    TEMPLATES=[{"BACKEND": "rustytags_backend.RustyTags", "APP_DIRS": True},
               {"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    ROOT_URLCONF=__name__, USE_TZ=True,
)
django.setup()
urlpatterns = []
from sqlmodel import Field
from nitro_dispatch import Entity, action, fragment
from rustytags_backend import component
"""


def python_blocks() -> list[tuple[str, int, str]]:
    blocks = []
    for document in DOCUMENTS:
        text = document.read_text()
        for match in re.finditer(r"```python\n(.*?)```", text, re.DOTALL):
            line = text[: match.start()].count("\n") + 1
            blocks.append((document.relative_to(ROOT).as_posix(), line, match.group(1)))
    return blocks


@pytest.mark.parametrize(("document", "line", "code"), python_blocks(), ids=lambda v: str(v)[:40])
def test_python_block_runs(document: str, line: int, code: str) -> None:
    completed = subprocess.run(
        [sys.executable, "-c", PRELUDE + code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert completed.returncode == 0, f"{document}:{line}\n{completed.stderr}"


def django_blocks() -> list[str]:
    return [
        match.group(1)
        for document in DOCUMENTS
        for match in re.finditer(r"```django\n(.*?)```", document.read_text(), re.DOTALL)
    ]


@pytest.mark.parametrize("code", django_blocks())
def test_django_template_block_compiles(code: str) -> None:
    assert Template(code).nodelist


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda path: path.name)
def test_doctest_examples_run(document: Path) -> None:
    result = doctest.testfile(str(document), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_html_module_examples_run() -> None:
    result = doctest.testmod(rustytags_backend.html)
    assert (result.failed, result.attempted > 0) == (0, True)
