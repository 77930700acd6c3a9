"""The test settings on PostgreSQL 15 at 127.0.0.1:5432 (trust auth), for the entity tests."""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": os.environ.get("POSTGRES_HOST", "127.0.0.1"),
        "PORT": os.environ.get("POSTGRES_PORT", "5432"),
        "USER": os.environ.get("POSTGRES_USER", "postgres"),
        "NAME": "nitro_dispatch",
        "TEST": {"NAME": os.environ.get("RUSTYTAGS_TEST_PG_DB", "test_nitro_dispatch")},
    }
}
