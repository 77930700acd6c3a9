from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from hypothesis import settings

# A deadline is a timing assertion, and timings are for bench/, not for tests.
settings.register_profile("default", deadline=None, print_blob=True)
settings.load_profile("default")


def _database() -> dict[str, Any]:
    return django_settings.DATABASES["default"]


def pytest_report_header() -> str:
    database = _database()
    where = f"{database.get('HOST')}:{database.get('PORT')}" if database.get("HOST") else "file"
    return f"database: {database['ENGINE'].rsplit('.', 1)[-1]} ({where})"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    database = _database()
    if database["ENGINE"] != "django.db.backends.postgresql":
        return
    import psycopg

    try:
        psycopg.connect(
            host=database["HOST"],
            port=database["PORT"],
            user=database["USER"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        reason = (
            f"PostgreSQL is not reachable at {database['HOST']}:{database['PORT']} "
            f"({str(exc).strip()}); start it (.ci/run does) to run the PostgreSQL tests."
        )
        for item in items:
            item.add_marker(pytest.mark.skip(reason=reason))
