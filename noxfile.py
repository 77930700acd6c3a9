"""Development sessions. Run them through scripts/test.py, scripts/run.py and scripts/bench.py,
which install nox first; or with `nox -s <name>` if you have nox."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True
nox.options.sessions = ["lint", "typecheck", "tests", "tests_postgres", "browser", "coverage"]

DJANGO_VERSIONS = ["5.2"]


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
@nox.parametrize("django", DJANGO_VERSIONS)
def tests(session: nox.Session, django: str) -> None:
    """Run the test suite under one Django version on SQLite, collecting branch coverage."""
    session.install("-e", ".[test]", f"django~={django}.0")
    session.run("coverage", "run", "-m", "pytest", *session.posargs, env={"PYTHONDEVMODE": "1"})


@nox.session
@nox.parametrize("django", DJANGO_VERSIONS)
def tests_postgres(session: nox.Session, django: str) -> None:
    """Run the entity and dispatcher tests on PostgreSQL (127.0.0.1:5432, trust auth)."""
    session.install("-e", ".[test]", f"django~={django}.0")
    session.run(
        "coverage",
        "run",
        "-m",
        "pytest",
        "-o",
        "DJANGO_SETTINGS_MODULE=tests.settings_postgres",
        *(session.posargs or ["tests/nitro_dispatch"]),
        env={"PYTHONDEVMODE": "1"},
    )


@nox.session
@nox.parametrize("database", ["sqlite", "postgres"])
def browser(session: nox.Session, database: str) -> None:
    """Try the example app in headless Chromium (skipped, saying why, without Chromium)."""
    # pip fetches the Datastar client's wheel at test time; uv's environments come without it.
    session.install("-e", ".[test,browser]", "pip")
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
    """Combine the coverage of every Django version and require all of it."""
    session.install("coverage[toml]>=7.6")
    session.run("coverage", "combine")
    try:
        session.run("coverage", "report")
    finally:
        # The next run must not count what this one measured.
        session.run("coverage", "erase")


@nox.session
def example(session: nox.Session) -> None:
    """Run the example todo app on http://127.0.0.1:8000/ (SQLite; EXAMPLE_DATABASE=postgres)."""
    session.install("-e", ".")
    session.chdir("examples/todo")
    session.run("python", "manage.py", "migrate", "--noinput", "--verbosity", "0")
    session.run("python", "manage.py", "demo_user")
    address = session.posargs[0] if session.posargs else "127.0.0.1:8000"
    session.log(f"The todos: http://{address}/   the admin: http://{address}/admin/")
    session.run("python", "manage.py", "runserver", address, *session.posargs[1:])


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
