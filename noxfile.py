"""Development sessions. Run them through scripts/test.py, scripts/run.py and scripts/bench.py,
which install nox first; or with `nox -s <name>` if you have nox."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import nox
from nox.virtualenv import find_uv

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "typecheck", "tests", "tests_postgres", "browser", "coverage"]

ROOT = Path(__file__).resolve().parent
DIST = ROOT / ".nox" / "dist"

# Each supported Django on each Python it supports (Django 6 needs Python 3.12).
MATRIX = [
    ("3.11", "5.2"),
    ("3.12", "5.2"),
    ("3.13", "5.2"),
    ("3.12", "6.0"),
    ("3.13", "6.0"),
    ("3.12", "6.1"),
    ("3.13", "6.1"),
]
# PostgreSQL runs each Django once, and each Python once.
POSTGRES_MATRIX = [("3.11", "5.2"), ("3.12", "6.0"), ("3.13", "6.1")]
NEWEST = MATRIX[-1]
# The oldest and the newest pair run everything and measure coverage (the code has no branch
# for one version); the others leave out the slow tests (real servers, long property tests),
# which keeps the whole run near 25 minutes on two cores (every test everywhere: over 40).
THOROUGH = {MATRIX[0], NEWEST}


def _ids(matrix: list[tuple[str, str]]) -> list[str]:
    return [f"python={python}, django={django}" for python, django in matrix]


@functools.cache
def _built() -> tuple[Path, Path]:
    # The sdist is built first and the wheel from it (as PyPI users and pip get them), once per
    # nox run, so every session installs the same files.
    shutil.rmtree(DIST, ignore_errors=True)
    found, uv, _ = find_uv()
    if not found:  # scripts/_bootstrap.py installs nox[uv], which brings it
        raise RuntimeError("Building the distribution needs uv: pip install 'nox[uv]'")
    nox.command.run([uv, "build", "--quiet", "--out-dir", str(DIST), str(ROOT)], paths=None)
    (sdist,) = DIST.glob("*.tar.gz")
    (wheel,) = DIST.glob("*.whl")
    return sdist, wheel


def _install_built(session: nox.Session, extras: str, *packages: str) -> None:
    """Install the built wheel (never the source tree) with *extras* and *packages*."""
    sdist, wheel = _built()
    session.install(f"django-rustytags[{extras}] @ {wheel.as_uri()}", *packages)
    # Same version, new files: make the installer replace what an earlier run installed.
    session.install("--force-reinstall", "--no-deps", str(wheel))
    session.env["DJANGO_RUSTYTAGS_SDIST"] = str(sdist)


def _pytest(session: nox.Session, django: str, *args: str) -> None:
    thorough = (str(session.python), django) in THOROUGH
    command = ["coverage", "run", "-m", "pytest"] if thorough else ["pytest", "-m", "not slow"]
    session.run(*command, *args, env={"PYTHONDEVMODE": "1"})


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    session.install("-e", ".[lint]")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check both packages, the tests, the benchmarks and the examples with mypy --strict."""
    session.install("-e", ".[test,lint,bench]")
    session.run("mypy")
    # A run of its own: scripts/bench.py and the bench package would both be module "bench".
    session.run("mypy", "scripts")


@nox.session
@nox.parametrize(("python", "django"), MATRIX, ids=_ids(MATRIX))
def tests(session: nox.Session, django: str) -> None:
    """Run the test suite on SQLite against the built wheel (collecting branch coverage on the
    oldest and the newest pair)."""
    _install_built(session, "test", f"django~={django}.0")
    _pytest(session, django, *session.posargs)


@nox.session
@nox.parametrize(("python", "django"), POSTGRES_MATRIX, ids=_ids(POSTGRES_MATRIX))
def tests_postgres(session: nox.Session, django: str) -> None:
    """Run the entity and dispatcher tests on PostgreSQL (127.0.0.1:5432, trust auth)."""
    _install_built(session, "test", f"django~={django}.0")
    _pytest(
        session,
        django,
        "-o",
        "DJANGO_SETTINGS_MODULE=tests.settings_postgres",
        *(session.posargs or ["tests/nitro_dispatch"]),
    )


# The example in the browser: on the newest Django (its CSP included) on both databases, and on
# the oldest pair, which every machine that runs the suite has.
BROWSER_MATRIX = [(*NEWEST, "sqlite"), (*NEWEST, "postgres"), (*MATRIX[0], "sqlite")]


@nox.session
@nox.parametrize(
    ("python", "django", "database"),
    BROWSER_MATRIX,
    ids=[f"python={p}, django={d}, database={db}" for p, d, db in BROWSER_MATRIX],
)
def browser(session: nox.Session, django: str, database: str) -> None:
    """Try the example app, installed from the wheel, in headless Chromium (skipped, saying why,
    without Chromium)."""
    # pip fetches the Datastar client's wheel at test time; uv's environments come without it.
    _install_built(session, "test,browser", f"django~={django}.0", "pip")
    session.run(
        "pytest",
        "-p",
        "no:cacheprovider",
        "-o",
        "DJANGO_SETTINGS_MODULE=todo_project.settings",
        "-o",
        "pythonpath=examples/todo",
        "-rs",
        *(session.posargs or ["examples/todo/tests"]),
        env={"EXAMPLE_DATABASE": database},
    )


@nox.session
def coverage(session: nox.Session) -> None:
    """Combine the coverage of every session and require all of it."""
    session.install("coverage[toml]>=7.6")
    session.run("coverage", "combine")
    try:
        session.run("coverage", "report")
    finally:
        # The next run must not count what this one measured.
        session.run("coverage", "erase")


@nox.session
def example(session: nox.Session) -> None:
    """Run the example todo app on http://127.0.0.1:8000/ (SQLite; EXAMPLE_DATABASE=postgres).

    ``-- --workers 2`` serves it with uvicorn in two processes instead of runserver; their pages
    follow each other's changes through EXAMPLE_BROKER (redis or postgres).
    """
    arguments = list(session.posargs)
    workers = None
    if "--workers" in arguments:
        at = arguments.index("--workers")
        workers = arguments[at + 1] if at + 1 < len(arguments) else "2"
        del arguments[at : at + 2]
    session.install("-e", ".[redis]", *(["uvicorn"] if workers else []))
    session.chdir("examples/todo")
    session.run("python", "manage.py", "migrate", "--noinput", "--verbosity", "0")
    session.run("python", "manage.py", "demo_user")
    address = arguments[0] if arguments else "127.0.0.1:8000"
    session.log(f"The todos: http://{address}/   the admin: http://{address}/admin/")
    if workers is None:
        session.run("python", "manage.py", "runserver", address, *arguments[1:])
        return
    host, _, port = address.rpartition(":")
    # Open streams never end by themselves: give them 3 seconds when the server stops.
    session.run("uvicorn", "todo_project.asgi:application", "--host", host or "127.0.0.1",
                "--port", port, "--workers", workers, "--timeout-graceful-shutdown", "3",
                *arguments[1:])  # fmt: skip


@nox.session
def demo(session: nox.Session) -> None:
    """Print a sample page rendered by rustytags_backend.html."""
    session.install("-e", ".")
    session.run("python", "examples/sample_page.py", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks under bench/ (all, or those named: html_page)."""
    session.install("-e", ".[bench,test]")
    session.run("python", "-m", "bench", *session.posargs)
