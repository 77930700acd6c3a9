"""The examples in the README, the docs and the docstrings run, so they cannot go stale."""

from __future__ import annotations

import doctest
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import django
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


# What every block imports, imported once by the server below; settings are configured in each
# block's own process, forked from it, so no block sees another's settings or entities.
FORK_SERVER = """
import json, os, sys, traceback
import django.db.models, django.http, django.template, django.urls, pydantic, sqlalchemy, sqlmodel
import datastar_py, rusty_tags
main = vars(sys.modules["__main__"])
for line in sys.stdin:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.dup2(w, 1)
        os.dup2(w, 2)
        status = 0
        try:
            exec(compile(json.loads(line), "<block>", "exec"), main)
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            traceback.print_exc()
            status = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    os.close(w)
    with os.fdopen(r) as output:
        text = output.read()
    code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    print(json.dumps([code, text]), flush=True)
"""


class BlockRunner:
    """Run code in a fresh process: forked from a server that has imported the libraries (a
    fresh interpreter per block costs seconds of imports), or started anew without fork()."""

    def __init__(self) -> None:
        self.server: subprocess.Popen[str] | None = None
        if hasattr(os, "fork"):
            self.server = subprocess.Popen(
                [sys.executable, "-c", FORK_SERVER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                cwd=ROOT,
            )

    def run(self, code: str) -> tuple[int, str]:
        if self.server is None:
            completed = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
            )
            return completed.returncode, completed.stderr
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps(code) + "\n")
        self.server.stdin.flush()
        status, output = json.loads(self.server.stdout.readline())
        return status, output

    def close(self) -> None:
        if self.server is not None:
            assert self.server.stdin is not None and self.server.stdout is not None
            self.server.stdin.close()
            self.server.wait(timeout=60)
            self.server.stdout.close()


@pytest.fixture(scope="module")
def blocks() -> Iterator[BlockRunner]:
    runner = BlockRunner()
    yield runner
    runner.close()


@pytest.mark.parametrize(("document", "line", "code"), python_blocks(), ids=lambda v: str(v)[:40])
def test_python_block_runs(blocks: BlockRunner, document: str, line: int, code: str) -> None:
    if "django.utils.csp" in code and django.VERSION < (6, 0):
        pytest.skip("Django's CSP arrived in 6.0; the block runs in the Django 6 sessions")
    status, output = blocks.run(PRELUDE + code)
    assert status == 0, f"{document}:{line}\n{output}"


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
